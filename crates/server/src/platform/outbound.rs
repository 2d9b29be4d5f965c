//! Where the server may send callbacks (issues 13 and 30): only to public
//! addresses ([`special_addresses`]: never loopback, private, link-local,
//! shared, documentation, multicast, any other block of the IANA
//! special-purpose registries, nor an IPv6 form that embeds such an IPv4
//! address) unless the host is on the server's allow-list (`idflow serve
//! --allow-callback-host HOST`, for local testing).
//!
//! Checked when an account names the URL ([`check`]), again just before a
//! callback is sent, and once more at connect time on the very addresses
//! the connection will use ([`CheckedResolver`], reqwest's resolver), so
//! a name that resolves elsewhere by then (DNS rebinding) reaches nothing.
//! The send follows no redirect and uses no proxy (a proxy would connect
//! to an address nobody checked).

use std::fmt;
use std::net::{IpAddr, SocketAddr};
use std::str::FromStr;
use std::sync::Arc;

use reqwest::Url;
use reqwest::dns::{Addrs, Name, Resolve, Resolving};
use reqwest::redirect::Policy;

use super::special_addresses;

/// The hosts callbacks may go to even though they resolve to addresses
/// refused by default (exact host names or IP literals, as in the URL),
/// and how host names are resolved.
#[derive(Clone)]
pub struct OutboundPolicy {
    allowed_hosts: Vec<String>,
    /// No callback is sent and no callback host is resolved (`idflow serve
    /// --no-callbacks`): a mock run offline, under load, or in a test that
    /// must send nothing beyond the machine. A callbackUrl is then only
    /// checked for its form.
    silent: bool,
    /// The system's resolver; tests put a stub here.
    resolver: Arc<dyn Resolve>,
}

impl Default for OutboundPolicy {
    fn default() -> OutboundPolicy {
        OutboundPolicy {
            allowed_hosts: Vec::new(),
            silent: false,
            resolver: Arc::new(SystemResolver),
        }
    }
}

impl fmt::Debug for OutboundPolicy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OutboundPolicy")
            .field("allowed_hosts", &self.allowed_hosts)
            .field("silent", &self.silent)
            .finish_non_exhaustive()
    }
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
            ..OutboundPolicy::default()
        }
    }

    /// This policy, sending no callbacks at all when `silent`.
    pub fn silent(self, silent: bool) -> OutboundPolicy {
        OutboundPolicy { silent, ..self }
    }

    /// This policy, resolving host names with `resolver` (tests: a stub
    /// that answers without DNS).
    pub fn resolving_with(self, resolver: Arc<dyn Resolve>) -> OutboundPolicy {
        OutboundPolicy { resolver, ..self }
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

    /// Why `host`, resolved to `ip`, may not receive callbacks, if it may
    /// not.
    pub fn refusal(&self, host: &str, ip: IpAddr) -> Option<String> {
        if self.allows(host) {
            return None;
        }
        special_addresses::not_public(ip).map(|why| {
            format!(
                "{host} goes to {ip}, which is not a public address: {why}; callbacks may only go to public addresses (a server run for local testing can allow the host with --allow-callback-host {host})"
            )
        })
    }

    /// Every address `host` resolves to (port 0), by this policy's
    /// resolver.
    async fn resolve(&self, host: &str) -> Result<Vec<IpAddr>, String> {
        let name = Name::from_str(host).map_err(|_| format!("{host:?} is not a host name"))?;
        let addresses = self
            .resolver
            .resolve(name)
            .await
            .map_err(|e| format!("{host} cannot be resolved: {e}"))?;
        Ok(addresses.map(|a| a.ip()).collect())
    }
}

fn normalise_host(host: &str) -> String {
    host.trim()
        .trim_start_matches('[')
        .trim_end_matches(']')
        .to_ascii_lowercase()
}

/// Resolves `url`'s host and checks every address it resolves to; the
/// error says why, for the `callbackUrl` field.
pub async fn check(policy: &OutboundPolicy, url: &str) -> Result<Url, String> {
    let parsed =
        Url::parse(url).map_err(|e| format!("{url:?} is not an absolute http(s) URL: {e}"))?;
    let host = parsed
        .host_str()
        .ok_or_else(|| format!("{url:?} has no host"))?;
    let host = normalise_host(host);
    let addresses = match host.parse::<IpAddr>() {
        Ok(ip) => vec![ip],
        Err(_) => policy
            .resolve(&host)
            .await
            .map_err(|e| format!("the host of {url:?}: {e}"))?,
    };
    if addresses.is_empty() {
        return Err(format!("the host of {url:?} resolves to no address"));
    }
    for ip in addresses {
        if let Some(why) = policy.refusal(&host, ip) {
            return Err(format!("{url:?}: {why}"));
        }
    }
    Ok(parsed)
}

/// The resolver callbacks connect through: the policy's resolver, whose
/// every answer is checked; a name with any refused address resolves to
/// an error, so no connection is attempted. (An IP literal in the URL is
/// never resolved: [`check`] has checked it just before the send.)
#[derive(Debug, Clone)]
pub struct CheckedResolver {
    policy: Arc<OutboundPolicy>,
}

impl CheckedResolver {
    pub fn new(policy: Arc<OutboundPolicy>) -> CheckedResolver {
        CheckedResolver { policy }
    }
}

/// A connect-time refusal, as the callback's error.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
struct Refused(String);

impl Resolve for CheckedResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let policy = self.policy.clone();
        Box::pin(async move {
            let host = name.as_str().to_owned();
            let addresses: Vec<SocketAddr> = policy.resolver.resolve(name).await?.collect();
            for address in &addresses {
                if let Some(why) = policy.refusal(&host, address.ip()) {
                    tracing::warn!(host, address = %address.ip(), "callback refused at connect time");
                    return Err(Box::new(Refused(why)) as Box<dyn std::error::Error + Send + Sync>);
                }
            }
            Ok(Box::new(addresses.into_iter()) as Addrs)
        })
    }
}

/// The system's resolver (getaddrinfo, off the async threads).
#[derive(Debug, Clone, Copy)]
struct SystemResolver;

impl Resolve for SystemResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let host = name.as_str().to_owned();
        Box::pin(async move {
            let addresses: Vec<SocketAddr> =
                tokio::net::lookup_host((host.as_str(), 0)).await?.collect();
            Ok(Box::new(addresses.into_iter()) as Addrs)
        })
    }
}

/// A callback client without its resolver: no redirects, no proxy, the
/// attempt timeout.
pub fn client_builder() -> reqwest::ClientBuilder {
    reqwest::Client::builder()
        .redirect(Policy::none())
        .no_proxy()
        .timeout(super::callback::ATTEMPT_TIMEOUT)
        .user_agent(concat!("idflow/", env!("CARGO_PKG_VERSION")))
}

/// The HTTP client callbacks are sent with: [`client_builder`] connecting
/// through a [`CheckedResolver`] of `policy`.
pub fn client(policy: &Arc<OutboundPolicy>) -> Result<reqwest::Client, reqwest::Error> {
    client_builder()
        .dns_resolver(Arc::new(CheckedResolver::new(policy.clone())))
        .build()
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
            assert!(
                OutboundPolicy::default().refusal(refused, ip).is_some(),
                "{refused} must be refused"
            );
        }
        for allowed in ["93.184.216.34", "8.8.8.8", "2606:4700::1111"] {
            let ip: IpAddr = allowed.parse().expect("an address");
            assert_eq!(
                OutboundPolicy::default().refusal(allowed, ip),
                None,
                "{allowed}"
            );
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
            // Issue 30, item 5: the IPv4-embedding forms and 192.0.0.0/24.
            "http://[64:ff9b::a9fe:a9fe]/latest/meta-data",
            "http://[2002:a00:1::1]/hook",
            "http://[::7f00:1]/hook",
            "http://[fec0::1]/hook",
            "http://192.0.0.170/hook",
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

    /// A resolver stub: every name resolves to what the test set last.
    #[derive(Debug, Default)]
    struct Stub {
        answer: std::sync::Mutex<Vec<IpAddr>>,
    }

    impl Stub {
        fn answer(&self, addresses: Vec<IpAddr>) {
            *self.answer.lock().expect("stub") = addresses;
        }
    }

    impl Resolve for Stub {
        fn resolve(&self, _name: Name) -> Resolving {
            let addresses: Vec<SocketAddr> = self
                .answer
                .lock()
                .expect("stub")
                .iter()
                .map(|ip| SocketAddr::new(*ip, 0))
                .collect();
            Box::pin(async move { Ok(Box::new(addresses.into_iter()) as Addrs) })
        }
    }

    /// Between the checked resolver and the connector: records every
    /// address the client would connect to, then sends the connection to
    /// the test's loopback receiver instead, so that no test ever connects
    /// beyond this machine, even when the check lets an address through.
    #[derive(Debug)]
    struct Recorder {
        checked: CheckedResolver,
        attempts: Arc<std::sync::Mutex<Vec<IpAddr>>>,
    }

    impl Resolve for Recorder {
        fn resolve(&self, name: Name) -> Resolving {
            let checked = self.checked.resolve(name);
            let attempts = self.attempts.clone();
            Box::pin(async move {
                let addresses: Vec<SocketAddr> = checked.await?.collect();
                attempts
                    .lock()
                    .expect("recorder")
                    .extend(addresses.iter().map(SocketAddr::ip));
                let loopback: Vec<SocketAddr> = addresses
                    .iter()
                    .map(|a| SocketAddr::new(std::net::Ipv4Addr::LOCALHOST.into(), a.port()))
                    .collect();
                Ok(Box::new(loopback.into_iter()) as Addrs)
            })
        }
    }

    /// A loopback receiver answering 200 to every request; counts them.
    async fn receiver() -> (u16, Arc<std::sync::atomic::AtomicUsize>) {
        use std::sync::atomic::{AtomicUsize, Ordering};
        let count = Arc::new(AtomicUsize::new(0));
        let seen = count.clone();
        let app = axum::Router::new().fallback(move || {
            seen.fetch_add(1, Ordering::SeqCst);
            std::future::ready("ok")
        });
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let port = listener.local_addr().expect("addr").port();
        tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        (port, count)
    }

    /// Every address of every block of the registries' table (first, last,
    /// inside) and the IPv6 forms embedding each IPv4 one.
    fn special_samples() -> Vec<IpAddr> {
        use super::special_addresses::{IPV4_SPECIAL, IPV6_SPECIAL};
        let mut all = Vec::new();
        for block in IPV4_SPECIAL {
            let (first, last) = (
                u32::from(block.net.network()),
                u32::from(block.net.broadcast()),
            );
            for v4 in [first, last, first + (last - first) / 2].map(std::net::Ipv4Addr::from) {
                let bits = u128::from(u32::from(v4));
                all.push(IpAddr::V4(v4));
                all.extend(
                    [
                        u128::from(v4.to_ipv6_mapped()),
                        bits,
                        (0x64_ff9b_u128 << 96) | bits,
                        (0x64_ff9b_0001_u128 << 80) | bits,
                        (0x2002_u128 << 112) | (bits << 80) | 1,
                        (0x2001_0000_u128 << 96) | u128::from(!u32::from(v4)),
                    ]
                    .map(|b| IpAddr::V6(std::net::Ipv6Addr::from(b))),
                );
            }
        }
        for block in IPV6_SPECIAL {
            let (first, last) = (
                u128::from(block.net.network()),
                u128::from(block.net.broadcast()),
            );
            let mut samples = vec![first, last];
            // Inside IPv4-mapped and NAT64 well-known, an address is as
            // public as the IPv4 address it carries (swept above).
            if block.net.prefix_len() != 96
                || !matches!(block.net.network().segments()[..2], [0, 0] | [0x64, 0xff9b])
            {
                samples.push(first + (last - first) / 3);
            }
            all.extend(
                samples
                    .into_iter()
                    .map(|b| IpAddr::V6(std::net::Ipv6Addr::from(b))),
            );
        }
        all.extend(
            ["fec0::1", "ff02::1", "4000::1"].map(|t| t.parse::<IpAddr>().expect("an address")),
        );
        all
    }

    /// Issue 30, item 5: checked again at connect time on the resolved
    /// address. A name that resolves (or rebinds) to any special-purpose
    /// address, in any spelling, gets no connection at all; a public one
    /// does (to the loopback stand-in), so the recorder is seen to work.
    #[tokio::test]
    async fn the_connect_time_check_refuses_every_special_address_a_name_resolves_to() {
        let (port, received) = receiver().await;
        let stub = Arc::new(Stub::default());
        let policy = Arc::new(OutboundPolicy::default().resolving_with(stub.clone()));
        let attempts = Arc::new(std::sync::Mutex::new(Vec::new()));
        // No pooled connection: every request resolves (and is checked).
        let client = client_builder()
            .pool_max_idle_per_host(0)
            .dns_resolver(Arc::new(Recorder {
                checked: CheckedResolver::new(policy.clone()),
                attempts: attempts.clone(),
            }))
            .build()
            .expect("client");
        let url = format!("http://hook.test:{port}/hook");
        let public: IpAddr = "93.184.216.34".parse().expect("an address");
        stub.answer(vec![public]);
        let sent = client
            .post(&url)
            .send()
            .await
            .expect("a public address is reached");
        assert!(sent.status().is_success());
        assert_eq!(*attempts.lock().expect("attempts"), [public]);

        let samples = special_samples();
        assert!(samples.len() > 500, "{}", samples.len());
        for ip in &samples {
            stub.answer(vec![*ip]);
            assert!(
                client.post(&url).send().await.is_err(),
                "{ip} was connected to"
            );
            // Rebinding to a mixture: one refused address refuses the name.
            stub.answer(vec![public, *ip]);
            assert!(
                client.post(&url).send().await.is_err(),
                "{ip} beside {public}"
            );
        }
        assert_eq!(
            *attempts.lock().expect("attempts"),
            [public],
            "connections attempted to special-purpose addresses"
        );
        assert_eq!(received.load(std::sync::atomic::Ordering::SeqCst), 1);

        // The loopback exception (--allow-callback-host 127.0.0.1) holds
        // for the host it names, at connect time too.
        let allowed =
            Arc::new(OutboundPolicy::allowing(["localhost"]).resolving_with(stub.clone()));
        stub.answer(vec!["127.0.0.1".parse().expect("an address")]);
        let local = super::client(&allowed).expect("client");
        let sent = local
            .post(format!("http://localhost:{port}/hook"))
            .send()
            .await
            .expect("an allowed loopback host is reached");
        assert!(sent.status().is_success());
        assert_eq!(received.load(std::sync::atomic::Ordering::SeqCst), 2);
    }
}
