//! Where the server may send callbacks (issue 13): never to loopback,
//! link-local, private, shared, multicast or cloud metadata addresses unless
//! the host is on the server's allow-list (`idflow serve
//! --allow-callback-host HOST`, for local testing). Checked when an account
//! names the URL and again when the callback is sent; the send connects to
//! the very address that was checked and follows no redirect.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};

use reqwest::Url;
use reqwest::redirect::Policy;

/// The hosts callbacks may go to even though they resolve to addresses
/// refused by default (exact host names or IP literals, as in the URL).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OutboundPolicy {
    allowed_hosts: Vec<String>,
    /// No callback is sent and no callback host is resolved (`idflow serve
    /// --no-callbacks`): a mock run offline, under load, or in a test that
    /// must send nothing beyond the machine. A callbackUrl is then only
    /// checked for its form.
    silent: bool,
}

impl OutboundPolicy {
    pub fn allowing<I, S>(hosts: I) -> OutboundPolicy
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        OutboundPolicy {
            allowed_hosts: hosts
                .into_iter()
                .map(|h| normalise_host(&h.into()))
                .collect(),
            silent: false,
        }
    }

    /// This policy, sending no callbacks at all when `silent`.
    pub fn silent(self, silent: bool) -> OutboundPolicy {
        OutboundPolicy { silent, ..self }
    }

    /// Whether callbacks are sent (and their hosts checked).
    pub fn sends(&self) -> bool {
        !self.silent
    }

    fn allows(&self, host: &str) -> bool {
        self.allowed_hosts
            .iter()
            .any(|h| *h == normalise_host(host))
    }
}

fn normalise_host(host: &str) -> String {
    host.trim()
        .trim_start_matches('[')
        .trim_end_matches(']')
        .to_ascii_lowercase()
}

/// Why an address may not receive callbacks, if it may not. Pure: decides
/// from the address alone (tests never send traffic to prove a refusal).
pub fn refused_address(ip: IpAddr) -> Option<&'static str> {
    match ip {
        IpAddr::V4(v4) => refused_v4(v4),
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return refused_v4(v4);
            }
            let first = v6.segments()[0];
            if v6.is_loopback() {
                Some("a loopback address")
            } else if v6.is_unspecified() {
                Some("the unspecified address")
            } else if v6.is_multicast() {
                Some("a multicast address")
            } else if first & 0xffc0 == 0xfe80 {
                Some("a link-local address")
            } else if first & 0xfe00 == 0xfc00 {
                // fc00::/7, which holds AWS's metadata fd00:ec2::254 too.
                Some("a private (unique local) address")
            } else if first == 0x2001 && v6.segments()[1] == 0x0db8 {
                Some("a documentation address")
            } else {
                None
            }
        }
    }
}

fn refused_v4(ip: Ipv4Addr) -> Option<&'static str> {
    let [a, b, ..] = ip.octets();
    if ip == Ipv4Addr::new(169, 254, 169, 254) {
        Some("a cloud metadata address")
    } else if ip.is_loopback() {
        Some("a loopback address")
    } else if ip.is_unspecified() || a == 0 {
        Some("the unspecified address")
    } else if ip.is_link_local() {
        Some("a link-local address")
    } else if ip.is_private() {
        Some("a private address")
    } else if a == 100 && (64..128).contains(&b) {
        Some("a shared (carrier-grade NAT) address")
    } else if ip.is_multicast() || ip.is_broadcast() || a >= 240 {
        Some("a multicast, broadcast or reserved address")
    } else if ip.is_documentation() || (a == 198 && (b == 18 || b == 19)) {
        Some("a documentation or benchmarking address")
    } else {
        None
    }
}

/// A callback destination that passed the check: the URL and the address
/// to connect to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Destination {
    pub url: Url,
    pub address: SocketAddr,
}

/// Resolves `url`'s host and checks every address it resolves to; the
/// error says why, for the `callbackUrl` field.
pub async fn check(policy: &OutboundPolicy, url: &str) -> Result<Destination, String> {
    let parsed =
        Url::parse(url).map_err(|e| format!("{url:?} is not an absolute http(s) URL: {e}"))?;
    let host = parsed
        .host_str()
        .ok_or_else(|| format!("{url:?} has no host"))?
        .to_owned();
    let port = parsed
        .port_or_known_default()
        .ok_or_else(|| format!("{url:?} has no port"))?;
    let lookup_host = host
        .trim_start_matches('[')
        .trim_end_matches(']')
        .to_owned();
    let addresses: Vec<SocketAddr> = match lookup_host.parse::<IpAddr>() {
        Ok(ip) => vec![SocketAddr::new(ip, port)],
        Err(_) => tokio::net::lookup_host((lookup_host.as_str(), port))
            .await
            .map_err(|e| format!("the host of {url:?} cannot be resolved: {e}"))?
            .collect(),
    };
    let first = *addresses
        .first()
        .ok_or_else(|| format!("the host of {url:?} resolves to no address"))?;
    if !policy.allows(&host) {
        for address in &addresses {
            if let Some(why) = refused_address(address.ip()) {
                return Err(format!(
                    "{url:?} goes to {} ({why}): callbacks may not go there; a server run for local testing can allow the host with --allow-callback-host {host}",
                    address.ip()
                ));
            }
        }
    }
    Ok(Destination {
        url: parsed,
        address: first,
    })
}

/// An HTTP client that connects to the checked address only and follows
/// no redirects.
pub fn client_for(destination: &Destination) -> Result<reqwest::Client, reqwest::Error> {
    let mut builder = reqwest::Client::builder()
        .redirect(Policy::none())
        .timeout(super::callback::ATTEMPT_TIMEOUT)
        .user_agent(concat!("idflow/", env!("CARGO_PKG_VERSION")));
    if let Some(domain) = destination.url.domain() {
        builder = builder.resolve(domain, destination.address);
    }
    builder.build()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Issue 13 acceptance: loopback, link-local, private and metadata
    /// addresses are refused by the same check, decided without traffic.
    #[test]
    fn refused_and_allowed_addresses() {
        for refused in [
            "127.0.0.1",
            "127.1.2.3",
            "::1",
            "169.254.169.254",
            "169.254.10.1",
            "10.0.0.1",
            "172.16.5.4",
            "192.168.1.1",
            "100.64.0.1",
            "0.0.0.0",
            "::",
            "fe80::1",
            "fd00:ec2::254",
            "::ffff:127.0.0.1",
            "::ffff:10.0.0.1",
            "224.0.0.1",
            "255.255.255.255",
        ] {
            let ip: IpAddr = refused.parse().expect("an address");
            assert!(refused_address(ip).is_some(), "{refused} must be refused");
        }
        for allowed in ["93.184.216.34", "8.8.8.8", "2606:4700::1111"] {
            let ip: IpAddr = allowed.parse().expect("an address");
            assert_eq!(refused_address(ip), None, "{allowed}");
        }
    }

    #[tokio::test]
    async fn urls_naming_forbidden_addresses_are_refused_whatever_their_spelling() {
        let policy = OutboundPolicy::default();
        for url in [
            "http://127.0.0.1:9/hook",
            "http://[::1]:9/hook",
            "http://0x7f000001/hook",
            "http://2130706433/hook",
            "http://169.254.169.254/latest/meta-data",
            "http://10.0.0.1/hook",
            "http://[::ffff:7f00:1]/hook",
        ] {
            let refused = check(&policy, url).await;
            assert!(refused.is_err(), "{url}: {refused:?}");
        }
        // Allowed for local testing: the same check passes.
        let local = OutboundPolicy::allowing(["127.0.0.1", "[::1]"]);
        assert!(check(&local, "http://127.0.0.1:9/hook").await.is_ok());
        assert!(check(&local, "http://[::1]:9/hook").await.is_ok());
        assert!(check(&local, "http://10.0.0.1/hook").await.is_err());
    }
}
