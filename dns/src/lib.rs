//! A DNS server over a simulation's Cloud Map registry, on 127.0.0.1, answering UDP and TCP
//! queries from the live simulation (every answer asks the resolver at that moment of the
//! virtual clock). The Python and Node packages start it (`serve_dns`, `serveDns`); the
//! browser build has the resolver (ecsim ResolveDns) without a server.

mod message;

pub use message::{respond, Resolve, Transport};

use std::io::{self, ErrorKind, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream, UdpSocket};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;

/// How often the server's threads look whether they should stop.
const POLL: Duration = Duration::from_millis(50);
/// How long a TCP client may take to send its query.
const TCP_TIMEOUT: Duration = Duration::from_secs(5);

/// A running server; `stop` (or dropping it) ends it and frees its port.
pub struct DnsServer {
    port: u16,
    stop: Arc<AtomicBool>,
    threads: Vec<JoinHandle<()>>,
}

impl DnsServer {
    /// Serves on 127.0.0.1:`port`, UDP and TCP (port 0: one the system picks, the same for both).
    pub fn start(port: u16, resolve: Arc<Resolve>) -> io::Result<DnsServer> {
        let (udp, tcp) = bind(port)?;
        let port = udp.local_addr()?.port();
        udp.set_read_timeout(Some(POLL))?;
        tcp.set_nonblocking(true)?;
        let stop = Arc::new(AtomicBool::new(false));
        let threads = vec![
            spawn("ecsim-dns-udp", {
                let (stop, resolve) = (Arc::clone(&stop), Arc::clone(&resolve));
                move || serve_udp(&udp, &stop, &*resolve)
            })?,
            spawn("ecsim-dns-tcp", {
                let stop = Arc::clone(&stop);
                move || serve_tcp(&tcp, &stop, &*resolve)
            })?,
        ];
        Ok(DnsServer {
            port,
            stop,
            threads,
        })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// Stops serving and waits for the threads to end (within `POLL`).
    pub fn stop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        for thread in self.threads.drain(..) {
            let _ = thread.join();
        }
    }
}

impl Drop for DnsServer {
    fn drop(&mut self) {
        self.stop();
    }
}

fn spawn(name: &str, body: impl FnOnce() + Send + 'static) -> io::Result<JoinHandle<()>> {
    std::thread::Builder::new().name(name.into()).spawn(body)
}

/// A UDP socket and a TCP listener on the same port of 127.0.0.1. With port 0 the system picks
/// the UDP port, which TCP may find taken: a few picks are tried.
fn bind(port: u16) -> io::Result<(UdpSocket, TcpListener)> {
    let mut last = None;
    for _ in 0..16 {
        let udp = UdpSocket::bind(("127.0.0.1", port))?;
        let chosen = udp.local_addr()?.port();
        match TcpListener::bind(("127.0.0.1", chosen)) {
            Ok(tcp) => return Ok((udp, tcp)),
            Err(error) if port == 0 => last = Some(error),
            Err(error) => return Err(error),
        }
    }
    Err(last.unwrap_or_else(|| io::Error::new(ErrorKind::AddrInUse, "no free port")))
}

fn serve_udp(socket: &UdpSocket, stop: &AtomicBool, resolve: &Resolve) {
    let mut buffer = [0u8; 4096];
    while !stop.load(Ordering::SeqCst) {
        let (size, from): (usize, SocketAddr) = match socket.recv_from(&mut buffer) {
            Ok(received) => received,
            Err(error) if matches!(error.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {
                continue
            }
            // A client's ICMP "port unreachable" for an earlier answer, on some systems.
            Err(_) => continue,
        };
        if let Some(answer) = respond(&buffer[..size], resolve, Transport::Udp) {
            let _ = socket.send_to(&answer, from);
        }
    }
}

fn serve_tcp(listener: &TcpListener, stop: &AtomicBool, resolve: &Resolve) {
    while !stop.load(Ordering::SeqCst) {
        match listener.accept() {
            Ok((stream, _)) => {
                let _ = answer_tcp(stream, stop, resolve);
            }
            Err(error) if error.kind() == ErrorKind::WouldBlock => std::thread::sleep(POLL),
            Err(_) => std::thread::sleep(POLL),
        }
    }
}

/// Answers the length-prefixed queries of one TCP connection until the client closes it.
fn answer_tcp(mut stream: TcpStream, stop: &AtomicBool, resolve: &Resolve) -> io::Result<()> {
    stream.set_nonblocking(false)?;
    stream.set_read_timeout(Some(TCP_TIMEOUT))?;
    while !stop.load(Ordering::SeqCst) {
        let mut length = [0u8; 2];
        if stream.read_exact(&mut length).is_err() {
            return Ok(());
        }
        let mut query = vec![0u8; usize::from(u16::from_be_bytes(length))];
        stream.read_exact(&mut query)?;
        let Some(answer) = respond(&query, resolve, Transport::Tcp) else {
            return Ok(());
        };
        let size = u16::try_from(answer.len()).unwrap_or(u16::MAX);
        stream.write_all(&size.to_be_bytes())?;
        stream.write_all(&answer)?;
    }
    Ok(())
}
