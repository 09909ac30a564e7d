export * from './cdk.js';
