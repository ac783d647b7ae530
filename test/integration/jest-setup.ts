// Integration tests build and run the packaged input; per-project testTimeout is not honoured by jest 30.
jest.setTimeout(600_000);
