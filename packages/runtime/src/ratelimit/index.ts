export * from './clock';
export * from './rate-limiter';
export * from './rate-limit-headers';
export * from './window-count';
