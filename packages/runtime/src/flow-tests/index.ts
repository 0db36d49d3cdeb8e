export * from './runner';
export * from './test-files';
export { parseTestFile, type FlowTestSuite, type FlowTestCase, type CannedResponse, type RequestExpectation } from './test-file';
export { CannedHttpSender, type SentRequest } from './canned-sender';
export { subsetMismatches, lineDiff } from './subset-match';
