//! A TCP proxy in front of PostgreSQL that a test can cut and restore, to see how the server
//! behaves while its database is unreachable.

use std::net::SocketAddr;

use tokio::{
    net::{TcpListener, TcpStream},
    task::JoinHandle,
};

/// Forwards `127.0.0.1:<port>` to the upstream address while running.
pub struct PgProxy {
    pub port: u16,
    upstream: SocketAddr,
    task: Option<JoinHandle<()>>,
}

impl PgProxy {
    /// Starts forwarding to `upstream` on a new local port.
    pub async fn start(upstream: SocketAddr) -> PgProxy {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind proxy");
        let port = listener.local_addr().expect("proxy addr").port();
        PgProxy {
            port,
            upstream,
            task: Some(tokio::spawn(forward(listener, upstream))),
        }
    }

    /// Cuts every connection and stops accepting: the database is "down".
    pub fn cut(&mut self) {
        if let Some(task) = self.task.take() {
            task.abort();
        }
    }

    /// Accepts again on the same port: the database is "back".
    pub async fn restore(&mut self) {
        let listener = TcpListener::bind(("127.0.0.1", self.port))
            .await
            .expect("rebind proxy port");
        self.task = Some(tokio::spawn(forward(listener, self.upstream)));
    }
}

impl Drop for PgProxy {
    fn drop(&mut self) {
        self.cut();
    }
}

/// Accepts and pipes connections; aborting this task drops every pipe with it, because the
/// pipes run inside it (a `JoinSet` owned by the task).
async fn forward(listener: TcpListener, upstream: SocketAddr) {
    let mut pipes = tokio::task::JoinSet::new();
    loop {
        let Ok((mut client, _)) = listener.accept().await else {
            continue;
        };
        pipes.spawn(async move {
            if let Ok(mut server) = TcpStream::connect(upstream).await {
                let _ = tokio::io::copy_bidirectional(&mut client, &mut server).await;
            }
        });
    }
}
