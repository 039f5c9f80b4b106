import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { DEFAULT_EMBEDDING_TRAINING } from '../src/nlu/embedding-options';
import { IntentModel } from '../src/nlu/intent-model';
import { CALIBRATION, loadOrTrainSupportModel } from '../src/nlu/support-model';
import { normalise, surfaceForm, TEXT_VERSION } from '../src/nlu/text';
import { DEFAULT_TRAIN_OPTIONS, trainIntentModel, type TrainOptions } from '../src/nlu/training';

jest.setTimeout(60_000);

const EXAMPLES = [
  ...['cancel my order', 'i want to cancel the order', 'please cancel purchase 1234'].map(
    (text) => ({ text, intent: 'cancel_order' }),
  ),
  ...['where is my parcel', 'track my order', 'when will my package arrive'].map((text) => ({
    text,
    intent: 'track_order',
  })),
  ...['i want my money back', 'get a refund please', 'how do i ask for a refund'].map((text) => ({
    text,
    intent: 'get_refund',
  })),
];

const SMALL: TrainOptions = {
  ...DEFAULT_TRAIN_OPTIONS,
  perClass: 60,
  runs: 1,
  paraphrases: false,
  embedding: {
    ...DEFAULT_EMBEDDING_TRAINING,
    epochs: 6,
    perClass: 60,
    weight: 0.5,
    temperature: 2,
  },
};

describe('the intent model of TF-IDF and n-gram embeddings', () => {
  let dir: string;
  let model: IntentModel;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'qm-intent-test-'));
    model = await trainIntentModel(EXAMPLES, SMALL);
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('trains both parts and tells the intents of its training texts apart', () => {
    expect(model.embedding?.model.classes).toEqual(model.classes);
    for (const e of EXAMPLES) expect(model.classify(e.text).best.intent).toBe(e.intent);
  });

  it('gives the embedding part a say: its weight changes the probabilities', () => {
    const text = normalise('cancel it');
    const combined = model.probabilities(text);
    const part = model.embedding;
    model.embedding = undefined;
    const tfidf = model.probabilities(text);
    model.embedding = part;
    expect([...combined]).not.toEqual([...tfidf]);
    expect(combined.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 6);
  });

  it('reads back from its file the same probabilities', async () => {
    const path = join(dir, 'intent.json');
    await model.save(path);
    const loaded = await IntentModel.load(path);
    const text = normalise('where is my refund for order 536365');
    expect(loaded).toBeDefined();
    expect([...(loaded?.probabilities(text) ?? [])]).toEqual([...model.probabilities(text)]);
    expect(loaded?.embedding).toMatchObject({ weight: 0.5, temperature: 2 });
  });

  it('serves a stored model with the calibration in force, not its saved one', async () => {
    const path = join(dir, 'stored.json');
    model.rule = { minConfidence: 0.01, minMargin: 0 };
    model.notes.textVersion = TEXT_VERSION;
    await model.save(path);
    const served = await loadOrTrainSupportModel(path, dir, pino({ level: 'silent' }));
    expect(served.rule).toEqual({
      minConfidence: CALIBRATION.minConfidence,
      minMargin: CALIBRATION.minMargin,
    });
    expect(served.temperature).toBe(CALIBRATION.temperature);
  });

  it('keeps the synonym list off, once stored, when it was trained without it', async () => {
    const bare = await trainIntentModel(EXAMPLES, {
      ...SMALL,
      lexicon: false,
      embedding: undefined,
    });
    const path = join(dir, 'bare.json');
    await bare.save(path);
    const loaded = await IntentModel.load(path);
    expect(loaded?.lexicon).toBe(false);
    expect(loaded?.normalise('where is my parcel')).toBe(normalise('where is my parcel', false));
    expect(normalise('where is my parcel', false)).not.toBe(normalise('where is my parcel'));
  });

  it('reports a file of an older format as missing, so that a new model is trained', async () => {
    const path = join(dir, 'old.json');
    await writeFile(path, JSON.stringify({ format: 'qm-intent-v1' }));
    await expect(IntentModel.load(path)).resolves.toBeUndefined();
  });
});

describe('normalisation of templated entity placeholders', () => {
  it('masks numbers and amounts written as placeholders and drops the others', () => {
    expect(normalise('cancel order {{Order Number}} now')).toBe('cancel order xnum now');
    expect(normalise('a refund of {{Currency Symbol}}{{Refund Amount}}')).toBe(
      'a refund of xamount',
    );
    expect(surfaceForm('delete my {{Account Type}} account')).toBe('delete my account');
  });

  it('stems words, so that inflections of a word share its features, but not the masks', () => {
    expect(normalise('cancelling my payments')).toBe(normalise('cancel my payment'));
    expect(normalise('troubles with the charges')).toBe(normalise('trouble with the charge'));
    expect(normalise('refund of $15 for order 12345')).toBe('refund of xamount for order xnum');
  });
});
