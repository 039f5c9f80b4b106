import { detectLanguage } from '../src/domain/language';
import { scoreSentiment } from '../src/domain/sentiment';
import { normalise, stripControl } from '../src/nlu/text';

describe('detectLanguage', () => {
  it.each([
    ['¿Dónde está mi pedido?', 'es'],
    ['Je veux annuler ma commande', 'fr'],
    ['Wo ist meine Bestellung bitte', 'de'],
  ])('tells that %s is not English', (text, language) => {
    expect(detectLanguage(text)).toEqual({ language, english: false });
  });

  it('treats a non-Latin script as not English', () => {
    expect(detectLanguage('我的订单在哪里').english).toBe(false);
  });

  it.each(['where is my order', 'i want a refund pls', 'cancel purchase 536365'])(
    'keeps %s as English',
    (text) => {
      expect(detectLanguage(text).english).toBe(true);
    },
  );
});

describe('scoreSentiment', () => {
  it('labels an angry message negative and a thankful one positive', () => {
    expect(scoreSentiment('this is terrible, I am furious').label).toBe('negative');
    expect(scoreSentiment('thank you, great service').label).toBe('positive');
    expect(scoreSentiment('where is my order').label).toBe('neutral');
  });

  it('keeps the score between -1 and 1', () => {
    const s = scoreSentiment('awful horrible terrible disgusting scam fraud worst hate');
    expect(s.score).toBeGreaterThanOrEqual(-1);
    expect(s.score).toBeLessThan(-0.9);
  });
});

describe('text normalisation', () => {
  it('strips NUL and control characters but keeps the words', () => {
    expect(stripControl('wh\u0000ere\u0007 is\tit')).toBe('where is it');
  });

  it('masks numbers, amounts and emails and collapses repeated letters', () => {
    expect(normalise('Helllo!! Order #536365 for $12.50, mail me@x.com')).toBe(
      'hello order xnum for xamount mail xemail',
    );
  });
});
