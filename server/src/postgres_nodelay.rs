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

use std::collections::HashSet;
use std::io;
use std::net::SocketAddr;

/// Sets `TCP_NODELAY` on every TCP socket of this process whose peer is
/// one of `servers`, and says how many such sockets there are.
///
/// # Errors
/// The process's descriptors cannot be listed or duplicated (not Linux, or
/// the kernel refuses `pidfd_open`/`pidfd_getfd`), or the option cannot be
/// set on one of the sockets.
pub fn set_on_connections_to(servers: &HashSet<SocketAddr>) -> io::Result<usize> {
    let mut connections = 0;
    for socket in sockets_connected_to(servers)? {
        if !rustix::net::sockopt::tcp_nodelay(&socket)? {
            rustix::net::sockopt::set_tcp_nodelay(&socket, true)?;
        }
        connections += 1;
    }
    Ok(connections)
}

/// This process's TCP sockets connected to one of `servers`: each one's
/// local address and whether it has `TCP_NODELAY` set.
///
/// # Errors
/// As [`set_on_connections_to`].
pub fn nodelay_of_connections_to(
    servers: &HashSet<SocketAddr>,
) -> io::Result<Vec<(SocketAddr, bool)>> {
    let mut connections = Vec::new();
    for socket in sockets_connected_to(servers)? {
        let local = rustix::net::getsockname(&socket)?;
        let local = SocketAddr::try_from(local).map_err(|_| {
            io::Error::new(io::ErrorKind::InvalidData, "a TCP socket's own address")
        })?;
        connections.push((local, rustix::net::sockopt::tcp_nodelay(&socket)?));
    }
    Ok(connections)
}

/// Duplicates of this process's descriptors of sockets connected to one of
/// `servers`.
#[cfg(target_os = "linux")]
fn sockets_connected_to(servers: &HashSet<SocketAddr>) -> io::Result<Vec<std::os::fd::OwnedFd>> {
    use rustix::process::{PidfdFlags, PidfdGetfdFlags, getpid, pidfd_getfd, pidfd_open};

    let this_process = pidfd_open(getpid(), PidfdFlags::empty())?;
    let mut sockets = Vec::new();
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
        if peer.is_some_and(|peer| servers.contains(&peer)) {
            sockets.push(descriptor);
        }
    }
    Ok(sockets)
}

#[cfg(not(target_os = "linux"))]
fn sockets_connected_to(_: &HashSet<SocketAddr>) -> io::Result<Vec<std::os::fd::OwnedFd>> {
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
}
