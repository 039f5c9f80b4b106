/** Stops the containers that the global setup started, if any. */
export default async function globalTeardown(): Promise<void> {
  await globalThis.qmContainerStack?.stop();
}
