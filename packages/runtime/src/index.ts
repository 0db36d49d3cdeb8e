export * from './errors';
export * from './model/flow';
export * from './credentials';
export * from './engine/run-record';
export * from './actions/action';
