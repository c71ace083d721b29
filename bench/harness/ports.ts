/** The same free-port helper the integration tests use. */
export { freePort } from '../../test/helpers/free-port';
