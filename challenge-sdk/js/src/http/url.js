// Checking an absolute URL before a request goes out: `https://host[:port]/path?query` (or
// `http://`). Deliberately small: the host parses and checks the URL again (scheme, host,
// address) before anything leaves the sandbox.

/**
 * Whether `url` is one the SDK sends: an `https` or `http` scheme, a host, no user info
 * (credentials do not belong in a recorded URL), no whitespace or control characters.
 * @param {string} url
 * @returns {boolean}
 */
export function isSendable(url) {
  // eslint-disable-next-line no-control-regex
  if (typeof url !== 'string' || /[\s\u0000-\u001f\u007f]/.test(url)) {
    return false;
  }
  const separator = url.indexOf('://');
  if (separator === -1) {
    return false;
  }
  const scheme = url.slice(0, separator).toLowerCase();
  if (scheme !== 'https' && scheme !== 'http') {
    return false;
  }
  const rest = url.slice(separator + 3);
  const end = rest.search(/[/?#]/);
  const authority = end === -1 ? rest : rest.slice(0, end);
  return authority !== '' && !authority.includes('@');
}

/**
 * `base` and `path` joined by exactly one `/`: `join("https://a.example/v1/", "/health")` is
 * `https://a.example/v1/health`. For building URLs under an endpoint.
 * @param {string} base
 * @param {string} path
 * @returns {string}
 */
export function join(base, path) {
  return `${base.replace(/\/+$/, '')}/${path.replace(/^\/+/, '')}`;
}
