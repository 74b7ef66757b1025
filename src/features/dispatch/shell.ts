/** What Répartition puts in the app's shell: the board asked for as the app opens on it. */
export { openBoardEarly } from './openEarly'
