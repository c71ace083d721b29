import { Sha256 } from '@aws-crypto/sha256-js';
import { createHash } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import { safeEqual } from '../signing/safe-equal';

/*
 * Verifies AWS Signature Version 4 as an AWS endpoint does, by signing the received request again with AWS's own
 * signer and comparing (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv-create-signed-request.html).
 * A signer bug in OpsLoop cannot verify itself here: the canonical request is rebuilt from what arrived on the wire.
 */

export interface SigV4Credentials {
  accessKeyId: string;
  secretAccessKey: string;
}

export interface ReceivedRequest {
  method: string;
  /** Path and query exactly as received. */
  url: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/** Why AWS would refuse the request: its error code and message, or undefined when the signature holds. */
export interface SigV4Refusal {
  code: 'MissingAuthenticationTokenException' | 'IncompleteSignatureException' | 'UnrecognizedClientException' | 'InvalidSignatureException';
  message: string;
}

const AUTHORIZATION = /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, ?SignedHeaders=([a-z0-9;-]+), ?Signature=([0-9a-f]{64})$/;
/** AWS refuses a signature whose x-amz-date is more than 15 minutes from its clock. */
const MAX_SKEW_MS = 15 * 60_000;

const one = (value: string | string[] | undefined): string | undefined => (Array.isArray(value) ? value.join(',') : value);

function parseAmzDate(value: string): number | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
  return m ? Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6])) : undefined;
}

export function createSigV4Verifier(o: { service: string; region: string; credentials: SigV4Credentials }) {
  const signer = new SignatureV4({ service: o.service, region: o.region, credentials: o.credentials, sha256: Sha256 });

  return async function verify(req: ReceivedRequest, nowMs = Date.now()): Promise<SigV4Refusal | undefined> {
    const authorization = one(req.headers.authorization);
    if (!authorization) return { code: 'MissingAuthenticationTokenException', message: 'Missing Authentication Token' };
    const parsed = AUTHORIZATION.exec(authorization);
    const amzDate = one(req.headers['x-amz-date']);
    if (!parsed || !amzDate) return { code: 'IncompleteSignatureException', message: 'Authorization header or X-Amz-Date is malformed' };
    const [, accessKeyId, day, region, service, signedHeaders, signature] = parsed as unknown as string[];
    if (accessKeyId !== o.credentials.accessKeyId) return { code: 'UnrecognizedClientException', message: 'The security token included in the request is invalid.' };
    const at = parseAmzDate(amzDate);
    if (at === undefined || !amzDate.startsWith(day!)) return { code: 'IncompleteSignatureException', message: 'X-Amz-Date does not match the credential scope' };
    if (Math.abs(nowMs - at) > MAX_SKEW_MS) return { code: 'InvalidSignatureException', message: 'Signature expired: the request time is more than 15 minutes from the server time' };
    if (region !== o.region || service !== o.service) return { code: 'InvalidSignatureException', message: `Credential should be scoped to a valid region and service (${o.region}/${o.service})` };
    const declaredHash = one(req.headers['x-amz-content-sha256']);
    if (declaredHash && declaredHash !== createHash('sha256').update(req.body).digest('hex')) {
      return { code: 'InvalidSignatureException', message: 'The provided x-amz-content-sha256 header does not match what was computed.' };
    }

    const url = new URL(req.url, 'http://placeholder');
    const headers: Record<string, string> = {};
    for (const name of signedHeaders!.split(';')) {
      const value = one(req.headers[name]);
      if (value === undefined) return { code: 'InvalidSignatureException', message: `Signed header ${name} is missing from the request` };
      headers[name] = value;
    }
    const query: Record<string, string | string[]> = {};
    for (const [key, value] of url.searchParams) {
      const existing = query[key];
      query[key] = existing === undefined ? value : [...(Array.isArray(existing) ? existing : [existing]), value];
    }
    const [hostname, port] = (headers.host ?? '').split(':');
    const resigned = await signer.sign(
      new HttpRequest({ method: req.method, protocol: 'http:', hostname, port: port ? Number(port) : undefined, path: decodeURIComponent(url.pathname), query, headers, body: req.body.length > 0 ? req.body.toString('utf8') : undefined }),
      { signingDate: new Date(at), signableHeaders: new Set(signedHeaders!.split(';')) },
    );
    const expected = AUTHORIZATION.exec(String(resigned.headers.authorization))?.[6] ?? '';
    return safeEqual(expected, signature!) ? undefined : { code: 'InvalidSignatureException', message: 'The request signature we calculated does not match the signature you provided.' };
  };
}
