/**
 * splunkd stand-in for tests, the demo and the setup-page browser tests. Import-safe: nothing runs
 * until startSplunkd() is called. API documented in docs/splunkd-standin.md.
 */
export { startSplunkd } from './server';
export type { RequestRecord, SchemeSpec, Splunkd, SplunkdOptions } from './server';
export type { UserSpec } from './auth';
export type { ConfContent, ConfSeed } from './conf-store';
export type { FaultHandle, FaultSpec } from './faults';
export type { InputRecord, ValidationRun, ValidatorCommand } from './inputs';
export type { CollectionSpec, FieldType, KvLimits, KvState, KvStoreOption } from './kvstore';
export type { SecretRecord } from './passwords';
export type { AppReload, AppSpec, InstanceType } from './system';
export type { CertificateMode } from './tls';
export {
  buildInputDefinitionXml,
  buildValidationXml,
  encodeUtf16BeWithBom,
  escapeXml,
} from './modinput-xml';
export type {
  InputDefinitionSpec,
  InputStanza,
  ParamValue,
  ValidationSpec,
  XmlBuildOptions,
} from './modinput-xml';
export { credentialName } from './passwords';
