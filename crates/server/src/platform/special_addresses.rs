//! Which IP addresses are not public, for callbacks (issue 30, item 5):
//! every block of the IANA special-purpose address registries
//! (<https://www.iana.org/assignments/iana-ipv4-special-registry> and
//! `iana-ipv6-special-registry`, read on 2025-10-09), IPv4 multicast, and
//! for IPv6 everything outside the global unicast space 2000::/3 (the
//! IANA IPv6 Address Space registry: fec0::/10, multicast and the blocks
//! "Reserved by IETF").
//!
//! A block is refused whatever its "Globally Reachable" column says: the
//! reachable ones are anycast protocol services (PCP, TURN, AS112, AMT),
//! never where an integration receives callbacks.
//!
//! IPv6 addresses that embed an IPv4 address are classified by it where
//! the socket really goes to that IPv4 host: IPv4-mapped (::ffff:0:0/96,
//! the connection is made over IPv4) and the NAT64 well-known prefix
//! (64:ff9b::/96, translated to the IPv4 address by the network's NAT64,
//! which is how an IPv6-only server reaches an IPv4-only receiver). The
//! other embeddings are refused whatever they embed: IPv4-compatible
//! (::/96, deprecated), local-use NAT64 (64:ff9b:1::/48, the operator's
//! own translation), 6to4 (2002::/16, deprecated) and Teredo (2001::/32);
//! their refusal names the IPv4 address inside.
//!
//! Pure: decides from the address alone, so tests sweep every block
//! without sending anything.

use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use ipnet::{Ipv4Net, Ipv6Net};

/// A block of a registry: its name and the RFC that defines it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Block<N> {
    pub net: N,
    pub name: &'static str,
    pub rfc: &'static str,
}

const fn v4(
    a: u8,
    b: u8,
    c: u8,
    d: u8,
    len: u8,
    name: &'static str,
    rfc: &'static str,
) -> Block<Ipv4Net> {
    Block {
        net: Ipv4Net::new_assert(Ipv4Addr::new(a, b, c, d), len),
        name,
        rfc,
    }
}

const fn v6(segments: [u16; 8], len: u8, name: &'static str, rfc: &'static str) -> Block<Ipv6Net> {
    let [a, b, c, d, e, f, g, h] = segments;
    Block {
        net: Ipv6Net::new_assert(Ipv6Addr::new(a, b, c, d, e, f, g, h), len),
        name,
        rfc,
    }
}

/// The IANA IPv4 Special-Purpose Address Registry, every entry, in its
/// order; then IPv4 multicast, which that registry leaves to its own.
pub const IPV4_SPECIAL: &[Block<Ipv4Net>] = &[
    v4(0, 0, 0, 0, 8, "\"This network\"", "RFC 791, section 3.2"),
    v4(
        0,
        0,
        0,
        0,
        32,
        "\"This host on this network\"",
        "RFC 1122, section 3.2.1.3",
    ),
    v4(10, 0, 0, 0, 8, "Private-Use", "RFC 1918"),
    v4(100, 64, 0, 0, 10, "Shared Address Space", "RFC 6598"),
    v4(127, 0, 0, 0, 8, "Loopback", "RFC 1122, section 3.2.1.3"),
    v4(169, 254, 0, 0, 16, "Link Local", "RFC 3927"),
    v4(172, 16, 0, 0, 12, "Private-Use", "RFC 1918"),
    v4(
        192,
        0,
        0,
        0,
        24,
        "IETF Protocol Assignments",
        "RFC 6890, section 2.1",
    ),
    v4(
        192,
        0,
        0,
        0,
        29,
        "IPv4 Service Continuity Prefix",
        "RFC 7335",
    ),
    v4(192, 0, 0, 8, 32, "IPv4 dummy address", "RFC 7600"),
    v4(
        192,
        0,
        0,
        9,
        32,
        "Port Control Protocol Anycast",
        "RFC 7723",
    ),
    v4(
        192,
        0,
        0,
        10,
        32,
        "Traversal Using Relays around NAT Anycast",
        "RFC 8155",
    ),
    v4(
        192,
        0,
        0,
        170,
        32,
        "NAT64/DNS64 Discovery",
        "RFC 8880, RFC 7050 section 2.2",
    ),
    v4(
        192,
        0,
        0,
        171,
        32,
        "NAT64/DNS64 Discovery",
        "RFC 8880, RFC 7050 section 2.2",
    ),
    v4(192, 0, 2, 0, 24, "Documentation (TEST-NET-1)", "RFC 5737"),
    v4(192, 31, 196, 0, 24, "AS112-v4", "RFC 7535"),
    v4(192, 52, 193, 0, 24, "AMT", "RFC 7450"),
    v4(
        192,
        88,
        99,
        0,
        24,
        "Deprecated (6to4 Relay Anycast)",
        "RFC 7526",
    ),
    v4(192, 88, 99, 2, 32, "6a44-relay anycast address", "RFC 6751"),
    v4(192, 168, 0, 0, 16, "Private-Use", "RFC 1918"),
    v4(
        192,
        175,
        48,
        0,
        24,
        "Direct Delegation AS112 Service",
        "RFC 7534",
    ),
    v4(198, 18, 0, 0, 15, "Benchmarking", "RFC 2544"),
    v4(
        198,
        51,
        100,
        0,
        24,
        "Documentation (TEST-NET-2)",
        "RFC 5737",
    ),
    v4(203, 0, 113, 0, 24, "Documentation (TEST-NET-3)", "RFC 5737"),
    v4(240, 0, 0, 0, 4, "Reserved", "RFC 1112, section 4"),
    v4(
        255,
        255,
        255,
        255,
        32,
        "Limited Broadcast",
        "RFC 8190, RFC 919 section 7",
    ),
    // Not in the special-purpose registry: the IPv4 Multicast Address
    // Space Registry. A callback is unicast.
    v4(224, 0, 0, 0, 4, "Multicast", "RFC 5771"),
];

/// The IANA IPv6 Special-Purpose Address Registry, every entry, in its
/// order.
pub const IPV6_SPECIAL: &[Block<Ipv6Net>] = &[
    v6(
        [0, 0, 0, 0, 0, 0, 0, 1],
        128,
        "Loopback Address",
        "RFC 4291",
    ),
    v6(
        [0, 0, 0, 0, 0, 0, 0, 0],
        128,
        "Unspecified Address",
        "RFC 4291",
    ),
    v6(
        [0, 0, 0, 0, 0, 0xffff, 0, 0],
        96,
        "IPv4-mapped Address",
        "RFC 4291",
    ),
    v6(
        [0x64, 0xff9b, 0, 0, 0, 0, 0, 0],
        96,
        "IPv4-IPv6 Translat.",
        "RFC 6052",
    ),
    v6(
        [0x64, 0xff9b, 1, 0, 0, 0, 0, 0],
        48,
        "IPv4-IPv6 Translat.",
        "RFC 8215",
    ),
    v6(
        [0x100, 0, 0, 0, 0, 0, 0, 0],
        64,
        "Discard-Only Address Block",
        "RFC 6666",
    ),
    v6(
        [0x100, 0, 0, 1, 0, 0, 0, 0],
        64,
        "Dummy IPv6 Prefix",
        "RFC 9780",
    ),
    v6(
        [0x2001, 0, 0, 0, 0, 0, 0, 0],
        23,
        "IETF Protocol Assignments",
        "RFC 2928",
    ),
    v6(
        [0x2001, 0, 0, 0, 0, 0, 0, 0],
        32,
        "TEREDO",
        "RFC 4380, RFC 8190",
    ),
    v6(
        [0x2001, 1, 0, 0, 0, 0, 0, 1],
        128,
        "Port Control Protocol Anycast",
        "RFC 7723",
    ),
    v6(
        [0x2001, 1, 0, 0, 0, 0, 0, 2],
        128,
        "Traversal Using Relays around NAT Anycast",
        "RFC 8155",
    ),
    v6(
        [0x2001, 1, 0, 0, 0, 0, 0, 3],
        128,
        "DNS-SD Service Registration Protocol Anycast",
        "RFC 9665",
    ),
    v6(
        [0x2001, 2, 0, 0, 0, 0, 0, 0],
        48,
        "Benchmarking",
        "RFC 5180, RFC Errata 1752",
    ),
    v6([0x2001, 3, 0, 0, 0, 0, 0, 0], 32, "AMT", "RFC 7450"),
    v6(
        [0x2001, 4, 0x112, 0, 0, 0, 0, 0],
        48,
        "AS112-v6",
        "RFC 7535",
    ),
    v6(
        [0x2001, 0x10, 0, 0, 0, 0, 0, 0],
        28,
        "Deprecated (previously ORCHID)",
        "RFC 4843",
    ),
    v6([0x2001, 0x20, 0, 0, 0, 0, 0, 0], 28, "ORCHIDv2", "RFC 7343"),
    v6(
        [0x2001, 0x30, 0, 0, 0, 0, 0, 0],
        28,
        "Drone Remote ID Protocol Entity Tags (DETs) Prefix",
        "RFC 9374",
    ),
    v6(
        [0x2001, 0xdb8, 0, 0, 0, 0, 0, 0],
        32,
        "Documentation",
        "RFC 3849",
    ),
    v6([0x2002, 0, 0, 0, 0, 0, 0, 0], 16, "6to4", "RFC 3056"),
    v6(
        [0x2620, 0x4f, 0x8000, 0, 0, 0, 0, 0],
        48,
        "Direct Delegation AS112 Service",
        "RFC 7534",
    ),
    v6(
        [0x3fff, 0, 0, 0, 0, 0, 0, 0],
        20,
        "Documentation",
        "RFC 9637",
    ),
    v6(
        [0x5f00, 0, 0, 0, 0, 0, 0, 0],
        16,
        "Segment Routing (SRv6) SIDs",
        "RFC 9602",
    ),
    v6(
        [0xfc00, 0, 0, 0, 0, 0, 0, 0],
        7,
        "Unique-Local",
        "RFC 4193, RFC 8190",
    ),
    v6(
        [0xfe80, 0, 0, 0, 0, 0, 0, 0],
        10,
        "Link-Local Unicast",
        "RFC 4291",
    ),
];

/// Outside the special-purpose registry, from the IANA IPv6 Address Space
/// registry: the IPv4-compatible form (deprecated), site-local
/// (deprecated) and multicast. Anything else outside 2000::/3 is
/// [`RESERVED_BY_IETF`].
pub const IPV6_OTHER: &[Block<Ipv6Net>] = &[
    v6(
        [0, 0, 0, 0, 0, 0, 0, 0],
        96,
        "IPv4-compatible Address (deprecated)",
        "RFC 4291, section 2.5.5.1",
    ),
    v6(
        [0xfec0, 0, 0, 0, 0, 0, 0, 0],
        10,
        "Site-Local (deprecated)",
        "RFC 3879",
    ),
    v6([0xff00, 0, 0, 0, 0, 0, 0, 0], 8, "Multicast", "RFC 4291"),
];

/// The global unicast space; IANA assigns IPv6 unicast only from it.
pub const GLOBAL_UNICAST: Ipv6Net =
    Ipv6Net::new_assert(Ipv6Addr::new(0x2000, 0, 0, 0, 0, 0, 0, 0), 3);

/// The name of what lies outside [`GLOBAL_UNICAST`] and every named block.
pub const RESERVED_BY_IETF: (&str, &str) = (
    "Reserved by IETF (outside the global unicast 2000::/3)",
    "RFC 4291",
);

/// Why an address is not public: the most specific block that holds it,
/// and for an IPv6 address that embeds an IPv4 address, that address and
/// its own verdict.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotPublic {
    pub block: String,
    pub name: &'static str,
    pub rfc: &'static str,
    pub embedded: Option<Embedded>,
}

/// The IPv4 address inside an IPv6 one, and why it is not public, if it
/// is not.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Embedded {
    pub address: Ipv4Addr,
    pub not_public: Option<Box<NotPublic>>,
}

impl fmt::Display for NotPublic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({}, {})", self.block, self.name, self.rfc)?;
        if let Some(embedded) = &self.embedded {
            write!(f, ", which embeds {}", embedded.address)?;
            if let Some(inner) = &embedded.not_public {
                write!(f, " in {inner}")?;
            }
        }
        Ok(())
    }
}

fn named<N: fmt::Display>(block: &Block<N>) -> NotPublic {
    NotPublic {
        block: block.net.to_string(),
        name: block.name,
        rfc: block.rfc,
        embedded: None,
    }
}

/// `None` when `ip` is public (callbacks may go there), else why not.
pub fn not_public(ip: IpAddr) -> Option<NotPublic> {
    match ip {
        IpAddr::V4(v4) => not_public_v4(v4),
        IpAddr::V6(v6) => not_public_v6(v6),
    }
}

pub fn not_public_v4(ip: Ipv4Addr) -> Option<NotPublic> {
    IPV4_SPECIAL
        .iter()
        .filter(|block| block.net.contains(&ip))
        .max_by_key(|block| block.net.prefix_len())
        .map(named)
}

pub fn not_public_v6(ip: Ipv6Addr) -> Option<NotPublic> {
    let most_specific = IPV6_SPECIAL
        .iter()
        .chain(IPV6_OTHER)
        .filter(|block| block.net.contains(&ip))
        .max_by_key(|block| block.net.prefix_len());
    let Some(block) = most_specific else {
        if GLOBAL_UNICAST.contains(&ip) {
            return None;
        }
        let (name, rfc) = RESERVED_BY_IETF;
        return Some(NotPublic {
            block: ip.to_string(),
            name,
            rfc,
            embedded: None,
        });
    };
    let Some(address) = embedded_v4(block.net, ip) else {
        return Some(named(block));
    };
    let inner = not_public_v4(address).map(Box::new);
    // The two forms that reach the IPv4 host itself: as public as it is.
    if (block.net == MAPPED || block.net == NAT64_WELL_KNOWN) && inner.is_none() {
        return None;
    }
    Some(NotPublic {
        embedded: Some(Embedded {
            address,
            not_public: inner,
        }),
        ..named(block)
    })
}

const MAPPED: Ipv6Net = Ipv6Net::new_assert(Ipv6Addr::new(0, 0, 0, 0, 0, 0xffff, 0, 0), 96);
const NAT64_WELL_KNOWN: Ipv6Net =
    Ipv6Net::new_assert(Ipv6Addr::new(0x64, 0xff9b, 0, 0, 0, 0, 0, 0), 96);
const COMPATIBLE: Ipv6Net = Ipv6Net::new_assert(Ipv6Addr::UNSPECIFIED, 96);
const SIX_TO_FOUR: Ipv6Net = Ipv6Net::new_assert(Ipv6Addr::new(0x2002, 0, 0, 0, 0, 0, 0, 0), 16);
const TEREDO: Ipv6Net = Ipv6Net::new_assert(Ipv6Addr::new(0x2001, 0, 0, 0, 0, 0, 0, 0), 32);

/// The IPv4 address `ip` carries, when `block` is a form that embeds one
/// at a fixed place: the last 32 bits (IPv4-mapped, IPv4-compatible, the
/// NAT64 well-known /96), bits 16-47 (6to4), or the Teredo client's
/// address (the last 32 bits, inverted). Not local-use NAT64: where its
/// IPv4 address sits depends on the operator's prefix length.
fn embedded_v4(block: Ipv6Net, ip: Ipv6Addr) -> Option<Ipv4Addr> {
    let bits = u128::from(ip);
    let low = Ipv4Addr::from((bits & 0xffff_ffff) as u32);
    if block == MAPPED || block == NAT64_WELL_KNOWN || block == COMPATIBLE {
        Some(low)
    } else if block == SIX_TO_FOUR {
        Some(Ipv4Addr::from(((bits >> 80) & 0xffff_ffff) as u32))
    } else if block == TEREDO {
        Some(Ipv4Addr::from(!((bits & 0xffff_ffff) as u32)))
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ipnet::IpNet;

    /// The registries as published (issue 30, item 5: "use the IANA
    /// special-purpose registries as the list"), copied here apart from
    /// the table above so that a block missing or mistyped there fails.
    const IPV4_REGISTRY: &[&str] = &[
        "0.0.0.0/8",
        "0.0.0.0/32",
        "10.0.0.0/8",
        "100.64.0.0/10",
        "127.0.0.0/8",
        "169.254.0.0/16",
        "172.16.0.0/12",
        "192.0.0.0/24",
        "192.0.0.0/29",
        "192.0.0.8/32",
        "192.0.0.9/32",
        "192.0.0.10/32",
        "192.0.0.170/32",
        "192.0.0.171/32",
        "192.0.2.0/24",
        "192.31.196.0/24",
        "192.52.193.0/24",
        "192.88.99.0/24",
        "192.88.99.2/32",
        "192.168.0.0/16",
        "192.175.48.0/24",
        "198.18.0.0/15",
        "198.51.100.0/24",
        "203.0.113.0/24",
        "240.0.0.0/4",
        "255.255.255.255/32",
        // Multicast (its own registry): never a callback receiver.
        "224.0.0.0/4",
    ];

    const IPV6_REGISTRY: &[&str] = &[
        "::1/128",
        "::/128",
        "::ffff:0:0/96",
        "64:ff9b::/96",
        "64:ff9b:1::/48",
        "100::/64",
        "100:0:0:1::/64",
        "2001::/23",
        "2001::/32",
        "2001:1::1/128",
        "2001:1::2/128",
        "2001:1::3/128",
        "2001:2::/48",
        "2001:3::/32",
        "2001:4:112::/48",
        "2001:10::/28",
        "2001:20::/28",
        "2001:30::/28",
        "2001:db8::/32",
        "2002::/16",
        "2620:4f:8000::/48",
        "3fff::/20",
        "5f00::/16",
        "fc00::/7",
        "fe80::/10",
        // The IPv6 Address Space registry, outside 2000::/3.
        "::/96",
        "fec0::/10",
        "ff00::/8",
        "4000::/3",
        "::/8",
    ];

    /// The first, last and one inside address of `block`.
    fn samples(block: &str) -> Vec<IpAddr> {
        let net: IpNet = block.parse().expect("a block");
        let (first, last) = (net.network(), net.broadcast());
        let inside = match (first, last) {
            (IpAddr::V4(a), IpAddr::V4(b)) => IpAddr::V4(Ipv4Addr::from(
                u32::from(a) + (u32::from(b) - u32::from(a)) / 2,
            )),
            (IpAddr::V6(a), IpAddr::V6(b)) => IpAddr::V6(Ipv6Addr::from(
                u128::from(a) + (u128::from(b) - u128::from(a)) / 3,
            )),
            _ => unreachable!("one family"),
        };
        vec![first, last, inside]
    }

    /// Every IPv6 form that embeds `ip`: IPv4-mapped, IPv4-compatible,
    /// NAT64 (well-known and local-use prefix, RFC 6052's /96 layout),
    /// 6to4 and Teredo (as the client's address).
    fn embeddings(ip: Ipv4Addr) -> Vec<(&'static str, Ipv6Addr)> {
        let v4 = u128::from(u32::from(ip));
        vec![
            ("IPv4-mapped", ip.to_ipv6_mapped()),
            ("IPv4-compatible", Ipv6Addr::from(v4)),
            (
                "NAT64 well-known",
                Ipv6Addr::from((0x64_ff9b_u128 << 96) | v4),
            ),
            (
                "NAT64 local-use",
                Ipv6Addr::from((0x64_ff9b_0001_u128 << 80) | v4),
            ),
            (
                "6to4",
                Ipv6Addr::from((0x2002_u128 << 112) | (v4 << 80) | 1),
            ),
            (
                "Teredo",
                Ipv6Addr::from(
                    (0x2001_0000_u128 << 96)
                        | (u128::from(u32::from(Ipv4Addr::new(65, 54, 227, 120))) << 64)
                        | u128::from(!u32::from(ip)),
                ),
            ),
        ]
    }

    /// Public addresses, many right beside a refused block.
    const PUBLIC: &[&str] = &[
        "1.1.1.1",
        "8.8.8.8",
        "93.184.216.34",
        "9.255.255.255",
        "11.0.0.0",
        "100.63.255.255",
        "100.128.0.0",
        "126.255.255.255",
        "128.0.0.0",
        "169.253.255.255",
        "169.255.0.0",
        "172.15.255.255",
        "172.32.0.0",
        "192.0.1.0",
        "192.0.3.0",
        "192.88.98.255",
        "192.88.100.0",
        "192.167.255.255",
        "192.169.0.0",
        "198.17.255.255",
        "198.20.0.0",
        "223.255.255.255",
        "2606:4700::1111",
        "2001:4860:4860::8888",
        "2001:200::1",
        "2001:db7:ffff::1",
        "2003::1",
        "2620:4f:7fff::1",
        "3ffe:ffff::1",
        // The forms that reach a public IPv4 host itself.
        "::ffff:8.8.8.8",
        "64:ff9b::8.8.8.8",
    ];

    /// The two blocks whose addresses reach the IPv4 host they carry:
    /// classified by it (the next tests), so only their first and last
    /// addresses (0.0.0.0 and 255.255.255.255 inside) are sure refusals.
    const CLASSIFIED_BY_THE_IPV4_INSIDE: &[&str] = &["::ffff:0:0/96", "64:ff9b::/96"];

    #[test]
    fn every_block_of_both_registries_is_refused_first_last_and_inside() {
        let mut passed = Vec::new();
        for block in IPV4_REGISTRY.iter().chain(IPV6_REGISTRY) {
            let mut samples = samples(block);
            if CLASSIFIED_BY_THE_IPV4_INSIDE.contains(block) {
                samples.truncate(2);
            }
            for ip in samples {
                if not_public(ip).is_none() {
                    passed.push(format!("{ip} ({block})"));
                }
            }
        }
        assert!(
            passed.is_empty(),
            "refused by the registries but passed: {passed:#?}"
        );
    }

    #[test]
    fn every_ipv6_form_of_a_special_ipv4_address_is_refused_naming_it() {
        let mut passed = Vec::new();
        for block in IPV4_REGISTRY {
            for ip in samples(block) {
                let IpAddr::V4(v4) = ip else { unreachable!() };
                for (form, v6) in embeddings(v4) {
                    match not_public(IpAddr::V6(v6)) {
                        None => passed.push(format!("{v6} ({form} of {v4}, {block})")),
                        Some(why) => {
                            // Where the form places the address at a fixed
                            // spot, the refusal names it.
                            if form != "NAT64 local-use" {
                                let embedded = why.embedded.as_ref().map(|e| e.address);
                                let compatible_special = form == "IPv4-compatible"
                                    && (v4.is_unspecified() || v4 == Ipv4Addr::new(0, 0, 0, 1));
                                if !compatible_special {
                                    assert_eq!(embedded, Some(v4), "{v6} ({form}): {why}");
                                    assert!(why.to_string().contains(&v4.to_string()), "{why}");
                                }
                            }
                        }
                    }
                }
            }
        }
        assert!(
            passed.is_empty(),
            "embedding a refused IPv4 address but passed: {passed:#?}"
        );
    }

    #[test]
    fn public_addresses_pass_and_only_the_mapped_and_nat64_forms_of_them() {
        for text in PUBLIC {
            let ip: IpAddr = text.parse().expect("an address");
            assert_eq!(not_public(ip), None, "{text} is public");
        }
        let public = Ipv4Addr::new(8, 8, 8, 8);
        for (form, v6) in embeddings(public) {
            let verdict = not_public(IpAddr::V6(v6));
            match form {
                "IPv4-mapped" | "NAT64 well-known" => assert_eq!(verdict, None, "{form} {v6}"),
                _ => assert!(verdict.is_some(), "{form} {v6} must be refused"),
            }
        }
    }

    #[test]
    fn a_refusal_names_the_most_specific_block_and_its_rfc() {
        let why = not_public("192.0.0.9".parse().expect("ip")).expect("refused");
        assert_eq!(why.name, "Port Control Protocol Anycast");
        assert_eq!(why.rfc, "RFC 7723");
        let why = not_public("2001::1".parse().expect("ip")).expect("refused");
        assert_eq!(why.name, "TEREDO");
        let why = not_public("64:ff9b::a00:1".parse().expect("ip")).expect("refused");
        assert_eq!(
            why.to_string(),
            "64:ff9b::/96 (IPv4-IPv6 Translat., RFC 6052), which embeds 10.0.0.1 in 10.0.0.0/8 (Private-Use, RFC 1918)"
        );
    }

    #[test]
    fn the_tables_hold_every_registry_block() {
        let v4: Vec<String> = IPV4_SPECIAL.iter().map(|b| b.net.to_string()).collect();
        for block in IPV4_REGISTRY {
            assert!(
                v4.contains(&(*block).to_owned()),
                "{block} missing from the table"
            );
        }
        let v6: Vec<String> = IPV6_SPECIAL
            .iter()
            .chain(IPV6_OTHER)
            .map(|b| b.net.to_string())
            .collect();
        for block in &IPV6_REGISTRY[..IPV6_REGISTRY.len() - 2] {
            let net: Ipv6Net = block.parse().expect("a block");
            assert!(
                v6.contains(&net.to_string()),
                "{block} missing from the table"
            );
        }
    }
}
