// The package ships no type declarations: it exports one function from word to stem.
declare module 'wink-porter2-stemmer' {
  function stem(word: string): string;
  export = stem;
}
