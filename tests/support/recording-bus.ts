import { createEventBus, type ConsumerHandle, type ConsumerSpec, type EventBus } from '@qm/events';
import { createLogger } from '@qm/kit';

/** An event bus that connects to nothing and keeps the specs of the consumers it is given. */
export interface RecordingBus extends EventBus {
  readonly specs: ConsumerSpec<unknown>[];
}

/** A bus of a deployment with `topicPrefix`, for what services ask of it when they start. */
export function recordingBus(topicPrefix: string): RecordingBus {
  const bus = createEventBus({
    brokers: ['127.0.0.1:1'],
    clientId: 'recording',
    log: createLogger('recording-bus', 'silent'),
    topicPrefix,
  });
  const specs: ConsumerSpec<unknown>[] = [];
  const runConsumer = async <T>(spec: ConsumerSpec<T>): Promise<ConsumerHandle> => {
    specs.push(spec as ConsumerSpec<unknown>);
    return {
      groupId: spec.groupId,
      topic: spec.topic,
      isRunning: () => true,
      failure: () => undefined,
      stop: async () => undefined,
    };
  };
  return { ...bus, runConsumer, specs };
}
