// Function words, for the near-passage aligner's loose seeds: edits to "the", "of", "was" are
// the commonest in rewritten text, and a phrase made only of them is evidence of nothing.

/**
 * English function words (normalised: lower case, straight apostrophes), the default
 * `stopWords` of {@link compare}'s near-passage aligner.
 *
 * @example
 * ```ts
 * ENGLISH_STOP_WORDS.includes('the'); // => true
 * ```
 */
export const ENGLISH_STOP_WORDS: readonly string[] = Object.freeze(
  (
    'a about above after again against all also am an and any are as at be because been before being ' +
    'below between both but by can could did do does doing down during each few for from further had ' +
    "has have having he her here hers herself him himself his how i if in into is it it's its itself " +
    'just me more most my myself no nor not now of off on once only or other our ours ourselves out ' +
    "over own said same she should so some such than that that's the their theirs them themselves then " +
    'there these they this those through to too under until up us very was we were what when where ' +
    'which while who whom why will with would you your yours yourself yourselves'
  ).split(' '),
);
