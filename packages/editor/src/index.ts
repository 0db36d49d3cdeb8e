// Public surface of the editor package for other packages (the server mounts the built assets).
export { EDITOR_DIST_URL } from './dist-path';
