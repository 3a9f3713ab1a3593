import {
  DiscardPolicy,
  type JetStreamManager,
  RetentionPolicy,
  StorageType,
  type StreamConfig,
} from '@nats-io/jetstream';

/** The JetStream stream and subject prefix of the activation queue. */
export interface StreamNames {
  stream: string;
  /** Subjects are `<prefix>.<connector>.<key hash>`. */
  subjectPrefix: string;
}

export const DEFAULT_STREAM_NAMES: StreamNames = {
  stream: 'ACTIVATOR_ACTIVATIONS',
  subjectPrefix: 'activator.activations',
};

/**
 * Creates the activation stream when missing; when several processes start together, the ones
 * that lose the race find it made. Returns the names and the stream's epoch (its creation
 * time), which keeps receipts of a deleted and recreated stream apart.
 */
export async function ensureActivationStream(
  jsm: JetStreamManager,
  names: Partial<StreamNames> = {},
): Promise<{ names: StreamNames; epoch: string }> {
  const resolved = { ...DEFAULT_STREAM_NAMES, ...names };
  const config: Partial<StreamConfig> & { name: string } = {
    name: resolved.stream,
    subjects: [`${resolved.subjectPrefix}.>`],
    // Work queue: a message leaves once acknowledged. One message per subject: a newer
    // desired state of a key replaces the waiting one.
    retention: RetentionPolicy.Workqueue,
    max_msgs_per_subject: 1,
    discard: DiscardPolicy.Old,
    storage: StorageType.File,
  };
  try {
    await jsm.streams.add(config);
  } catch (error) {
    if (!(error instanceof Error && /already in use|already exists/i.test(error.message))) {
      throw error;
    }
  }
  const info = await jsm.streams.info(resolved.stream);
  if (
    info.config.max_msgs_per_subject !== 1 ||
    info.config.retention !== RetentionPolicy.Workqueue
  ) {
    throw new Error(
      `JetStream stream ${resolved.stream} exists with other settings; it must be a work queue ` +
        'keeping one message per subject. Delete it or point NATS_URL at another server.',
    );
  }

  return { names: resolved, epoch: `${resolved.stream}@${info.created}` };
}
