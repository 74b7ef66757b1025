/** Where the interface's language is remembered (read by src/i18n, and by index.html to preload that language’s words). */
export const LOCALE_KEY = 'ops.locale'
