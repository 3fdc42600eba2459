//! Tries TCP, UDP and name look-up: every attempt must fail inside the guest; the verdict passes when all failed.

wit_bindgen::generate!({ path: "../../../challenge-sdk/wit/v0.1/validator.wit", world: "validator" });

#[allow(unused_imports)]
use cohack::validator::types::Check;

struct Guest_;

export!(Guest_);

use std::net::ToSocketAddrs;

impl Guest for Guest_ {
    fn validate(_submission: Submission) -> Verdict {
        let tcp = std::net::TcpStream::connect("127.0.0.1:80").map(|_| ());
        let udp = std::net::UdpSocket::bind("0.0.0.0:0").map(|_| ());
        let dns = ("localhost", 80).to_socket_addrs().map(|a| a.count());
        let passed = tcp.is_err() && udp.is_err() && dns.is_err();
        let feedback = format!("tcp={tcp:?} udp={udp:?} dns={dns:?}");
        Verdict {
            passed,
            score: u32::from(passed),
            max_score: 1,
            feedback,
            checks: Vec::new(),
            notes: String::new(),
        }
    }

    fn materials(_team: String) -> Vec<File> {
        Vec::new()
    }
}
