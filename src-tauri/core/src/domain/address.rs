//! Which addresses a hook may target (docs/architecture.md, step 5): loopback, private, link-local, CGNAT, metadata,
//! multicast, reserved and IPv4-mapped forms are refused unless the hook is a private-network one.
//! The same rules run when a URL is saved ([`check_url_target`], literal addresses in every spelling)
//! and at connect time (`delivery::transport::ssrf`, on the addresses a name really resolved to).

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use url::{Host, Url};

use crate::{Error, Result};

/// Why `ip` may not be a webhook target, or `None` when it is an ordinary public address.
pub fn classify(ip: IpAddr) -> Option<&'static str> {
    match ip {
        IpAddr::V4(v4) => classify_v4(v4),
        IpAddr::V6(v6) => classify_v6(v6),
    }
}

fn classify_v4(ip: Ipv4Addr) -> Option<&'static str> {
    let [a, b, c, _] = ip.octets();
    let reason = if ip.is_broadcast() {
        "broadcast"
    } else if ip.is_unspecified() {
        "unspecified"
    } else if ip.is_loopback() {
        "loopback"
    } else if ip == Ipv4Addr::new(169, 254, 169, 254) {
        "cloud metadata"
    } else if ip.is_link_local() {
        "link-local"
    } else if ip.is_private() {
        "private"
    } else if a == 100 && (64..128).contains(&b) {
        "carrier-grade NAT"
    } else if ip.is_multicast() {
        "multicast"
    } else if (a, b, c) == (192, 0, 2) || (a, b, c) == (198, 51, 100) || (a, b, c) == (203, 0, 113)
    {
        "documentation"
    } else if a == 198 && (b == 18 || b == 19) {
        "benchmarking"
    } else if a == 0 || a >= 240 || (a, b, c) == (192, 0, 0) || (a, b, c) == (192, 88, 99) {
        // 0/8 "this network", 240/4 future use, IETF protocol assignments, the retired 6to4 relay anycast.
        "reserved"
    } else {
        return None;
    };
    Some(reason)
}

fn classify_v6(ip: Ipv6Addr) -> Option<&'static str> {
    let s = ip.segments();
    if ip.is_unspecified() {
        return Some("unspecified");
    }
    if ip.is_loopback() {
        return Some("loopback");
    }
    if ip == Ipv6Addr::new(0xfd00, 0x0ec2, 0, 0, 0, 0, 0, 0x254) {
        return Some("cloud metadata");
    }
    // Forms that carry an IPv4 address inside are judged by that address, so ::ffff:127.0.0.1 is loopback.
    if let Some(v4) = embedded_v4(&ip) {
        return classify_v4(v4);
    }
    let reason = match s[0] {
        0xff00..=0xffff => "multicast",
        0xfe80..=0xfebf => "link-local",
        // fec0::/10 is the deprecated site-local range: private in practice.
        0xfec0..=0xfeff => "private",
        0xfc00..=0xfdff => "private",
        0x2001 if s[1] == 0x0db8 => "documentation",
        0x3fff if s[1] < 0x1000 => "documentation",
        0x2001 if s[1] == 0x0002 && s[2] == 0 => "benchmarking",
        // Teredo hides an obfuscated IPv4 client address: it could point anywhere.
        0x2001 if s[1] == 0 => "reserved",
        // 64:ff9b:1::/48 is NAT64 for local networks.
        0x0064 if s[1] == 0xff9b && s[2] == 1 => "private",
        // 100::/64 discard-only.
        0x0100 if s[1..4] == [0, 0, 0] => "reserved",
        // The rest of ::/8 (beyond the embedded forms above) is reserved.
        0x0000..=0x00ff => "reserved",
        _ => return None,
    };
    Some(reason)
}

/// The IPv4 address inside IPv4-mapped (::ffff:a.b.c.d), IPv4-translated (::ffff:0:a.b.c.d),
/// IPv4-compatible (::a.b.c.d), NAT64 (64:ff9b::/96) and 6to4 (2002::/16) addresses.
fn embedded_v4(ip: &Ipv6Addr) -> Option<Ipv4Addr> {
    let s = ip.segments();
    let o = ip.octets();
    let low = Ipv4Addr::new(o[12], o[13], o[14], o[15]);
    match s {
        [0, 0, 0, 0, 0, 0xffff, _, _]
        | [0, 0, 0, 0, 0xffff, 0, _, _]
        | [0, 0, 0, 0, 0, 0, _, _] => Some(low),
        [0x0064, 0xff9b, 0, 0, 0, 0, _, _] => Some(low),
        [0x2002, ..] => Some(Ipv4Addr::new(o[2], o[3], o[4], o[5])),
        _ => None,
    }
}

/// Checks a hook URL when it is saved: https for public targets, http only for private-network hooks, and
/// no literal special address unless private networks are allowed. Names are checked again after DNS.
pub fn check_url_target(url: &Url, allow_private: bool) -> Result<()> {
    match url.scheme() {
        "https" => {}
        "http" if allow_private => {}
        "http" => {
            return Err(Error::invalid(
                "url",
                "must start with https:// (http:// is accepted only for private-network hooks)",
            ))
        }
        _ => return Err(Error::invalid("url", "must start with https://")),
    }
    let reason = match url.host() {
        None => return Err(Error::invalid("url", "must name a host")),
        Some(_) if allow_private => return Ok(()),
        Some(Host::Ipv4(v4)) => classify_v4(v4),
        Some(Host::Ipv6(v6)) => classify_v6(v6),
        Some(Host::Domain(d)) => {
            let d = d.trim_end_matches('.').to_ascii_lowercase();
            (d == "localhost" || d.ends_with(".localhost")).then_some("loopback")
        }
    };
    match reason {
        Some(r) => Err(blocked_error(r)),
        None => Ok(()),
    }
}

fn blocked_error(reason: &str) -> Error {
    Error::invalid(
        "url",
        format!("points at a {reason} address; allow private network access to reach LAN targets"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn special_v4_ranges_are_refused() {
        let cases = [
            ("127.0.0.1", "loopback"),
            ("127.255.255.254", "loopback"),
            ("10.0.0.1", "private"),
            ("172.16.0.1", "private"),
            ("172.31.255.255", "private"),
            ("192.168.1.1", "private"),
            ("169.254.169.254", "cloud metadata"),
            ("169.254.0.1", "link-local"),
            ("100.64.0.1", "carrier-grade NAT"),
            ("100.127.255.255", "carrier-grade NAT"),
            ("224.0.0.1", "multicast"),
            ("239.255.255.250", "multicast"),
            ("0.0.0.0", "unspecified"),
            ("0.1.2.3", "reserved"),
            ("255.255.255.255", "broadcast"),
            ("240.0.0.1", "reserved"),
            ("192.0.0.8", "reserved"),
            ("192.0.2.10", "documentation"),
            ("198.51.100.7", "documentation"),
            ("203.0.113.9", "documentation"),
            ("198.18.0.1", "benchmarking"),
            ("198.19.255.255", "benchmarking"),
        ];
        for (s, want) in cases {
            assert_eq!(classify(ip(s)), Some(want), "{s}");
        }
    }

    #[test]
    fn neighbours_of_special_ranges_are_public() {
        for s in [
            "8.8.8.8",
            "1.1.1.1",
            "172.15.255.255",
            "172.32.0.1",
            "100.63.255.255",
            "100.128.0.1",
            "169.253.255.255",
            "198.17.255.255",
            "198.20.0.1",
            "223.255.255.255",
            "11.0.0.1",
            "2606:4700::1111",
            "2a00:1450:4001:80b::200e",
            "64:ff9b::808:808",
            "2002:808:808::1",
            "::ffff:8.8.8.8",
        ] {
            assert_eq!(classify(ip(s)), None, "{s}");
        }
    }

    #[test]
    fn special_v6_ranges_and_embedded_v4_are_refused() {
        let cases = [
            ("::1", "loopback"),
            ("::", "unspecified"),
            ("fc00::1", "private"),
            ("fd12:3456::1", "private"),
            ("fe80::1", "link-local"),
            ("febf::1", "link-local"),
            ("fec0::1", "private"),
            ("ff02::1", "multicast"),
            ("fd00:ec2::254", "cloud metadata"),
            ("2001:db8::1", "documentation"),
            ("3fff::1", "documentation"),
            ("2001:2::1", "benchmarking"),
            ("2001:0:4136:e378:8000:63bf:3fff:fdd2", "reserved"),
            ("100::1", "reserved"),
            ("::ffff:127.0.0.1", "loopback"),
            ("::ffff:7f00:1", "loopback"),
            ("::ffff:10.1.2.3", "private"),
            ("::ffff:169.254.169.254", "cloud metadata"),
            ("::ffff:0:192.168.0.1", "private"),
            ("::127.0.0.1", "loopback"),
            ("::10.0.0.1", "private"),
            ("64:ff9b::7f00:1", "loopback"),
            ("64:ff9b::a9fe:a9fe", "cloud metadata"),
            ("64:ff9b:1::1", "private"),
            ("2002:7f00:1::", "loopback"),
            ("2002:c0a8:101::1", "private"),
            ("2002:a9fe:a9fe::", "cloud metadata"),
        ];
        for (s, want) in cases {
            assert_eq!(classify(ip(s)), Some(want), "{s}");
        }
    }

    #[test]
    fn urls_need_https_unless_private() {
        let u = |s: &str| Url::parse(s).unwrap();
        assert!(check_url_target(&u("https://hooks.example.com/x"), false).is_ok());
        let e = check_url_target(&u("http://hooks.example.com/x"), false).unwrap_err();
        assert_eq!(e.field(), Some("url"));
        assert!(check_url_target(&u("http://192.168.1.20:8080/x"), true).is_ok());
        assert!(check_url_target(&u("ftp://example.com/x"), true).is_err());
        assert!(check_url_target(&u("file:///etc/passwd"), true).is_err());
    }

    #[test]
    fn literal_ip_urls_in_every_encoding_are_refused() {
        // The url crate normalises decimal, hex, octal and short IPv4 forms to an address.
        for s in [
            "https://127.0.0.1/",
            "https://2130706433/",
            "https://0x7f000001/",
            "https://0177.0.0.1/",
            "https://0x7f.1/",
            "https://127.1/",
            "https://017700000001/",
            "https://0/",
            "https://[::1]/",
            "https://[::ffff:127.0.0.1]/",
            "https://[::ffff:a9fe:a9fe]/",
            "https://169.254.169.254/latest/meta-data/",
            "https://[fd00:ec2::254]/",
            "https://10.0.0.1/",
            "https://0xa9.0xfe.0xa9.0xfe/",
            "https://localhost/",
            "https://api.localhost./",
            "https://LOCALHOST/",
        ] {
            let url = Url::parse(s).unwrap();
            let e = check_url_target(&url, false).unwrap_err();
            assert_eq!(e.field(), Some("url"), "{s}");
            assert!(check_url_target(&url, true).is_ok(), "{s}");
        }
    }
}
