//! `TCP_NODELAY` on this process's TCP connections to PostgreSQL.
//!
//! sqlx 0.9.0 opens its TCP connections without `TCP_NODELAY` (fixed
//! upstream in transact-rs/sqlx#4336, not yet released). Without it a
//! request the kernel sends as more than one segment keeps its tail back
//! until the server acknowledges the first, and the server delays that
//! acknowledgement by up to 40 ms: large statements cost 40 ms each, which
//! is why statements over TCP were cut at 8 KiB
//! ([`crate::services::bulk::StatementSize`]).
//!
//! sqlx offers no hook to its sockets, so after it opens a connection
//! [`set_on_connections_to`] finds the process's sockets connected to the
//! server and sets the option on each. It reaches them through
//! `pidfd_getfd(2)` on this process: a duplicate descriptor of its own
//! for each open descriptor number, so a descriptor that another thread
//! closes in the meantime is only skipped, never touched after its number
//! was reused. The option belongs to the socket, not to the descriptor:
//! set on the duplicate, it holds for sqlx's. Where the kernel refuses
//! (before Linux 5.6, or a seccomp profile without `pidfd_getfd`), the
//! caller keeps the small statements.

use std::collections::{HashMap, HashSet};
use std::io;
use std::net::SocketAddr;
use std::os::fd::OwnedFd;

/// Sockets by their local address, each a descriptor of this process's own.
type Sockets = HashMap<SocketAddr, OwnedFd>;

/// Sets `TCP_NODELAY` on every TCP socket of this process whose peer is
/// one of `servers`, and says how many such sockets there are.
///
/// # Errors
/// The process's descriptors cannot be listed or duplicated (not Linux, or
/// the kernel refuses `pidfd_open`/`pidfd_getfd`), or the option cannot be
/// set on one of the sockets.
pub fn set_on_connections_to(servers: &HashSet<SocketAddr>) -> io::Result<usize> {
    let sockets = sockets_connected_to(servers)?;
    for socket in sockets.values() {
        if !rustix::net::sockopt::tcp_nodelay(socket)? {
            rustix::net::sockopt::set_tcp_nodelay(socket, true)?;
        }
    }
    Ok(sockets.len())
}

/// This process's TCP sockets connected to one of `servers`: each one's
/// local address and whether it has `TCP_NODELAY` set.
///
/// # Errors
/// As [`set_on_connections_to`].
pub fn nodelay_of_connections_to(
    servers: &HashSet<SocketAddr>,
) -> io::Result<Vec<(SocketAddr, bool)>> {
    sockets_connected_to(servers)?
        .into_iter()
        .map(|(local, socket)| Ok((local, rustix::net::sockopt::tcp_nodelay(&socket)?)))
        .collect()
}

/// This process's sockets connected to one of `servers`, by their local
/// address: a duplicate descriptor of each. One entry per socket however
/// many descriptors it has (another scan running at the same time holds
/// duplicates of its own).
#[cfg(target_os = "linux")]
fn sockets_connected_to(servers: &HashSet<SocketAddr>) -> io::Result<Sockets> {
    use rustix::process::{PidfdFlags, PidfdGetfdFlags, getpid, pidfd_getfd, pidfd_open};

    let this_process = pidfd_open(getpid(), PidfdFlags::empty())?;
    let mut sockets = Sockets::new();
    for entry in std::fs::read_dir("/proc/self/fd")? {
        let Some(number) = entry?.file_name().to_str().and_then(|n| n.parse().ok()) else {
            continue;
        };
        // The duplicate is close-on-exec: the kernel sets that on every
        // `pidfd_getfd`, which takes no flags yet.
        let descriptor = match pidfd_getfd(&this_process, number, PidfdGetfdFlags::empty()) {
            Ok(descriptor) => descriptor,
            // Closed since the listing: nothing to do for it.
            Err(rustix::io::Errno::BADF) => continue,
            Err(e) => return Err(e.into()),
        };
        // Not a socket, not connected, or not an internet address.
        let peer = rustix::net::getpeername(&descriptor)
            .ok()
            .flatten()
            .and_then(|peer| SocketAddr::try_from(peer).ok());
        if !peer.is_some_and(|peer| servers.contains(&peer)) {
            continue;
        }
        let local = rustix::net::getsockname(&descriptor)
            .ok()
            .and_then(|local| SocketAddr::try_from(local).ok());
        if let Some(local) = local {
            sockets.entry(local).or_insert(descriptor);
        }
    }
    Ok(sockets)
}

#[cfg(not(target_os = "linux"))]
fn sockets_connected_to(_: &HashSet<SocketAddr>) -> io::Result<Sockets> {
    Err(io::Error::new(
        io::ErrorKind::Unsupported,
        "finding sqlx's sockets needs Linux's pidfd_getfd",
    ))
}

#[cfg(all(test, target_os = "linux"))]
mod tests {
    use super::{nodelay_of_connections_to, set_on_connections_to};
    use std::collections::HashSet;

    #[tokio::test]
    async fn nodelay_is_set_on_the_connections_to_the_server_and_no_other() {
        let server = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let other = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let to_server = [
            tokio::net::TcpStream::connect(server.local_addr().unwrap())
                .await
                .unwrap(),
            tokio::net::TcpStream::connect(server.local_addr().unwrap())
                .await
                .unwrap(),
        ];
        let to_other = tokio::net::TcpStream::connect(other.local_addr().unwrap())
            .await
            .unwrap();
        assert!(to_server.iter().all(|s| !s.nodelay().unwrap()));
        let servers = HashSet::from([server.local_addr().unwrap()]);

        assert_eq!(set_on_connections_to(&servers).unwrap(), 2);

        assert!(to_server.iter().all(|s| s.nodelay().unwrap()));
        assert!(!to_other.nodelay().unwrap(), "another server's connection");
        let mut seen = nodelay_of_connections_to(&servers).unwrap();
        seen.sort();
        let mut expected: Vec<_> = to_server
            .iter()
            .map(|s| (s.local_addr().unwrap(), true))
            .collect();
        expected.sort();
        assert_eq!(seen, expected);
        drop(to_server);
        assert_eq!(nodelay_of_connections_to(&servers).unwrap(), vec![]);
    }

    #[tokio::test]
    async fn a_connection_the_server_reset_is_not_found() {
        use tokio::io::AsyncReadExt;
        let server = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let mut client = tokio::net::TcpStream::connect(server.local_addr().unwrap())
            .await
            .unwrap();
        let (accepted, _) = server.accept().await.unwrap();
        accepted.set_zero_linger().unwrap();
        drop(accepted);
        let reset = client.read(&mut [0; 1]).await.unwrap_err();
        assert_eq!(reset.kind(), std::io::ErrorKind::ConnectionReset);

        let servers = HashSet::from([server.local_addr().unwrap()]);
        assert_eq!(set_on_connections_to(&servers).unwrap(), 0);
    }
}
