// Passkeys in the browser (S31): the server's JSON options into what navigator.credentials takes,
// and the credential it answers back into JSON. No library: the conversions are base64url only.
// A refusal by the browser or the person (cancelled, timed out, no passkey here) becomes an
// ApiError, so forms show it like any other answer.

import { ApiError } from './api.js';

const CANCELLED = 'The passkey was not used. You can try again, or sign in with your password and PIN.';

export function passkeysSupported() {
  return Boolean(window.PublicKeyCredential && navigator.credentials && window.isSecureContext);
}

/** Whether the browser can offer passkeys in the e-mail field's autofill (conditional UI). */
export async function autofillSupported() {
  if (!passkeysSupported() || !PublicKeyCredential.isConditionalMediationAvailable) return false;
  return PublicKeyCredential.isConditionalMediationAvailable().catch(() => false);
}

function toBytes(text) {
  const base64 = text.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (text.length % 4)) % 4);
  return Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
}

function toText(buffer) {
  let binary = '';
  for (const byte of new Uint8Array(buffer)) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function descriptors(list) {
  return (list || []).map((item) => ({ ...item, id: toBytes(item.id) }));
}

function creationOptions(options) {
  return { ...options, challenge: toBytes(options.challenge), user: { ...options.user, id: toBytes(options.user.id) },
    excludeCredentials: descriptors(options.excludeCredentials) };
}

function requestOptions(options) {
  return { ...options, challenge: toBytes(options.challenge), allowCredentials: descriptors(options.allowCredentials) };
}

/** PublicKeyCredential.toJSON(), written out for browsers that do not have it yet. */
function asJson(credential) {
  if (typeof credential.toJSON === 'function') return credential.toJSON();
  const r = credential.response;
  const response = { clientDataJSON: toText(r.clientDataJSON) };
  if (r.attestationObject) {
    response.attestationObject = toText(r.attestationObject);
    response.transports = typeof r.getTransports === 'function' ? r.getTransports() : [];
  } else {
    response.authenticatorData = toText(r.authenticatorData);
    response.signature = toText(r.signature);
    if (r.userHandle) response.userHandle = toText(r.userHandle);
  }
  return { id: credential.id, rawId: toText(credential.rawId), type: credential.type, response,
    clientExtensionResults: credential.getClientExtensionResults(), authenticatorAttachment: credential.authenticatorAttachment };
}

function refused(error) {
  if (error instanceof ApiError) return error;
  const aborted = error && error.name === 'AbortError';
  return new ApiError(0, aborted ? 'passkey_aborted' : 'passkey_cancelled', CANCELLED);
}

/** Make a new passkey from the server's registration options; its JSON for the server. */
export async function createPasskey(options) {
  try {
    return asJson(await navigator.credentials.create({ publicKey: creationOptions(options) }));
  } catch (error) {
    throw refused(error);
  }
}

/** Use a passkey for the server's request options; `conditional` waits for the autofill instead. */
export async function usePasskey(options, { conditional = false, signal } = {}) {
  const request = { publicKey: requestOptions(options) };
  if (conditional) request.mediation = 'conditional';
  if (signal) request.signal = signal;
  try {
    const credential = await navigator.credentials.get(request);
    if (!credential) throw new ApiError(0, 'passkey_cancelled', CANCELLED);
    return asJson(credential);
  } catch (error) {
    throw refused(error);
  }
}
