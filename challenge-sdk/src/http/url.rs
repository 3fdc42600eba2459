//! Splitting an absolute URL into what `wasi:http` asks for: scheme, authority, path and
//! query. Deliberately small (no `url` crate in every validator): the host parses and checks
//! the URL again before anything leaves the sandbox.

/// Where a request goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Target<'a> {
    /// `https` (otherwise `http`).
    pub(crate) https: bool,
    /// `host`, `host:port` or `[v6]:port`.
    pub(crate) authority: &'a str,
    /// `/path?query`, at least `/`; the fragment dropped.
    pub(crate) path_with_query: String,
}

/// `https://host[:port]/path?query` (or `http://`); `None` for anything else: another
/// scheme, no host, user info (credentials do not belong in a recorded URL), whitespace or
/// control characters.
pub(crate) fn parse(url: &str) -> Option<Target<'_>> {
    if url.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return None;
    }
    let (scheme, rest) = url.split_once("://")?;
    let https = if scheme.eq_ignore_ascii_case("https") {
        true
    } else if scheme.eq_ignore_ascii_case("http") {
        false
    } else {
        return None;
    };
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(end);
    if authority.is_empty() || authority.contains('@') {
        return None;
    }
    let tail = tail.split_once('#').map_or(tail, |(before, _)| before);
    let path_with_query = if tail.starts_with('/') {
        tail.to_owned()
    } else {
        format!("/{tail}")
    };
    Some(Target {
        https,
        authority,
        path_with_query,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn absolute_urls_split() {
        let t = parse("https://api.example:8443/v1/echo?value=abc#top").unwrap();
        assert!(t.https);
        assert_eq!(t.authority, "api.example:8443");
        assert_eq!(t.path_with_query, "/v1/echo?value=abc");
        let t = parse("HTTP://[::1]:8080?x=1").unwrap();
        assert!(!t.https);
        assert_eq!(t.authority, "[::1]:8080");
        assert_eq!(t.path_with_query, "/?x=1");
        assert_eq!(parse("https://a.example").unwrap().path_with_query, "/");
    }

    #[test]
    fn anything_else_is_refused() {
        for url in [
            "",
            "a.example/health",
            "ftp://a.example/",
            "https:///health",
            "https://user:pw@a.example/",
            "https://a.example/a b",
            "https://a.example/\n",
        ] {
            assert_eq!(parse(url), None, "{url:?}");
        }
    }
}
