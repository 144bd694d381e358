//! Which server may be loaded: this machine only, unless the user says otherwise.
//!
//! A load client is a small denial-of-service tool: pointed at someone else's
//! machine it floods it. So the address is checked before anything is sent, or
//! even looked up: an IP address must be loopback (127.0.0.0/8 or ::1), a name
//! must be `localhost`. `--allow-remote` lifts the check, for a machine you run.

use std::net::{IpAddr, Ipv4Addr, SocketAddr, ToSocketAddrs};

use anyhow::{anyhow, bail};

/// The address to load: `host`:`port`, refused (without a name lookup, without a
/// packet sent) unless it is this machine or `allow_remote` is true.
///
/// ```ignore
/// assert!(target::check("127.0.0.1", 8080, false).is_ok());
/// assert!(target::check("192.0.2.1", 8080, false).is_err());
/// ```
pub fn check(host: &str, port: u16, allow_remote: bool) -> anyhow::Result<SocketAddr> {
    if let Ok(ip) = host.parse::<IpAddr>() {
        // ::ffff:127.0.0.1 is 127.0.0.1 written as IPv6
        if ip.to_canonical().is_loopback() || allow_remote {
            return Ok(SocketAddr::new(ip, port));
        }
    } else if host.eq_ignore_ascii_case("localhost") {
        return Ok(SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), port));
    } else if allow_remote {
        return (host, port)
            .to_socket_addrs()
            .ok()
            .and_then(|mut addrs| addrs.next())
            .ok_or_else(|| anyhow!("cannot find the host '{host}': check its name"));
    }
    bail!(
        "refusing to load {host}: load-client only targets this machine (127.0.0.1, ::1 or \
         localhost); add --allow-remote to load another machine, one that you run yourself"
    )
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::check;

    #[test]
    fn loopback_is_allowed() {
        for host in [
            "127.0.0.1",
            "127.1.2.3",
            "::1",
            "::ffff:127.0.0.1",
            "localhost",
        ] {
            let addr = check(host, 8080, false).unwrap();
            assert!(addr.ip().to_canonical().is_loopback(), "{host}");
            assert_eq!(addr.port(), 8080);
        }
    }

    #[test]
    fn anything_else_is_refused_in_one_line() {
        for host in [
            "192.0.2.1",
            "0.0.0.0",
            "2001:db8::1",
            "example.invalid",
            "10.0.0.1",
        ] {
            let error = check(host, 8080, false).unwrap_err().to_string();
            assert!(
                error.starts_with(&format!("refusing to load {host}:")),
                "{error}"
            );
            assert!(
                error.contains("--allow-remote") && !error.contains('\n'),
                "{error}"
            );
        }
    }

    #[test]
    fn allow_remote_lets_an_ip_through_without_contacting_it() {
        let addr = check("192.0.2.1", 8080, true).unwrap();
        assert_eq!(addr.to_string(), "192.0.2.1:8080");
    }
}
