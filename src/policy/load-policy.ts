import { ConfigFileError, loadYamlConfigFile, parseYamlConfig } from '../config/yaml-file';
import { policySchema, type Policy } from './schema';

export { ConfigFileError as PolicyError };

/** Parses policy text (YAML or JSON) and validates it; throws PolicyError naming lines and fields. */
export const parsePolicy = (text: string, file = 'policy'): Policy => parseYamlConfig(text, policySchema, file, 'OpsLoop policy');

export const loadPolicyFile = (path: string): Policy => loadYamlConfigFile(path, policySchema, 'OpsLoop policy');
