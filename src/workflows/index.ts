export { resolution } from './resolution';
