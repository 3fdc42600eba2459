//! The outbox's metrics, registered in the server's registry (served on `/metrics`).

use prometheus::{IntCounterVec, IntGauge, IntGaugeVec, Opts, Registry};

use super::Channel;

/// The gauges (the whole database's, refreshed by the worker) and counters (this instance's).
pub(super) struct OutboxMetrics {
    pub queued: IntGaugeVec,
    pub failed: IntGaugeVec,
    pub oldest_age: IntGauge,
    pub sent_total: IntCounterVec,
    pub retries_total: IntCounterVec,
    pub given_up_total: IntCounterVec,
}

impl OutboxMetrics {
    pub(super) fn new(registry: &Registry) -> Result<Self, prometheus::Error> {
        let queued = IntGaugeVec::new(
            Opts::new("outbox_queued", "Deliveries waiting to be sent, by channel"),
            &["channel"],
        )?;
        let failed = IntGaugeVec::new(
            Opts::new(
                "outbox_failed",
                "Deliveries given up (shown to the organizer), by channel",
            ),
            &["channel"],
        )?;
        let oldest_age = IntGauge::new(
            "outbox_oldest_queued_age_seconds",
            "Age of the oldest delivery still queued (0 when none is)",
        )?;
        let sent_total = IntCounterVec::new(
            Opts::new(
                "outbox_sent_total",
                "Deliveries this instance sent, by channel",
            ),
            &["channel"],
        )?;
        let retries_total = IntCounterVec::new(
            Opts::new(
                "outbox_retries_total",
                "Failed attempts this instance queued again, by channel",
            ),
            &["channel"],
        )?;
        let given_up_total = IntCounterVec::new(
            Opts::new(
                "outbox_given_up_total",
                "Deliveries this instance marked failed, by channel",
            ),
            &["channel"],
        )?;
        registry.register(Box::new(queued.clone()))?;
        registry.register(Box::new(failed.clone()))?;
        registry.register(Box::new(oldest_age.clone()))?;
        registry.register(Box::new(sent_total.clone()))?;
        registry.register(Box::new(retries_total.clone()))?;
        registry.register(Box::new(given_up_total.clone()))?;
        // Every channel's series exist from the start, so a dashboard sees zeros, not gaps.
        for channel in Channel::ALL {
            let label = [channel.as_str()];
            queued.with_label_values(&label).set(0);
            failed.with_label_values(&label).set(0);
            sent_total.with_label_values(&label);
            retries_total.with_label_values(&label);
            given_up_total.with_label_values(&label);
        }
        Ok(Self {
            queued,
            failed,
            oldest_age,
            sent_total,
            retries_total,
            given_up_total,
        })
    }
}
