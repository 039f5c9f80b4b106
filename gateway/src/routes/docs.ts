import type { FastifyInstance } from 'fastify';
import swaggerUi from '@fastify/swagger-ui';
import { mergeDocs, type OpenApiDoc } from '../domain/openapi';
import type { ServiceDocs } from '../adapters/service-docs';

/** `/openapi.json`, the merged document of the whole API, and Swagger UI at `/docs`. */
export async function docsRoutes(
  app: FastifyInstance,
  options: { docs: ServiceDocs },
): Promise<void> {
  let cached: { version: number; doc: OpenApiDoc } | undefined;
  const merged = (): OpenApiDoc => {
    if (cached?.version !== options.docs.version) {
      const own = app.swagger() as unknown as OpenApiDoc;
      cached = { version: options.docs.version, doc: mergeDocs(own, options.docs.current()) };
    }
    return cached.doc;
  };

  app.get('/openapi.json', { schema: { hide: true }, logLevel: 'silent' }, async () => merged());

  await app.register(swaggerUi, {
    routePrefix: '/docs',
    transformSpecification: () => merged(),
    transformSpecificationClone: false,
  });
}
