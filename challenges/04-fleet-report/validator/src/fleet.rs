//! A team's fleet: its registry, its events, and the reference report computed from them.

use challenge_sdk::variant::TeamRng;
use std::collections::{BTreeMap, BTreeSet};

const SALT: &str = "fleet-report/v1";
const REGIONS: [&str; 6] = [
    "eu-west",
    "eu-central",
    "us-east",
    "us-west",
    "ap-south",
    "ap-east",
];
const MODELS: [&str; 3] = ["TX-100", "TX-200", "HX-9"];
/// 2024-05-06T00:00:00Z, the Monday the week of events starts.
const WEEK_START: i64 = 1_714_953_600;

/// A registered device.
#[derive(Debug, Clone)]
struct Device {
    id: String,
    region: &'static str,
    model: &'static str,
}

/// One event: a reading with a latency, or an error without one.
#[derive(Debug, Clone)]
struct Event {
    seconds: i64,
    device: String,
    latency_ms: Option<u32>,
}

/// A team's fleet.
#[derive(Debug, Clone)]
pub struct Fleet {
    devices: Vec<Device>,
    events: Vec<Event>,
}

/// The figures of one region.
#[derive(Debug, Clone, PartialEq)]
pub struct RegionStats {
    /// Registered devices of the region with at least one event.
    pub devices: u64,
    /// Events (readings and errors) of those devices.
    pub events: u64,
    /// Error events.
    pub errors: u64,
    /// Mean latency of the readings, rounded to two decimals.
    pub avg_latency_ms: f64,
}

/// The report a team must submit.
#[derive(Debug, Clone, PartialEq)]
pub struct Report {
    /// Per region.
    pub regions: BTreeMap<String, RegionStats>,
    /// The registered device with the most errors (ties: the smallest id).
    pub noisiest_device: String,
}

/// What the common mistakes give for a region, to recognise them.
#[derive(Debug, Clone)]
pub struct LenientStats {
    /// Every registered device of the region, silent or not.
    pub registered_devices: u64,
    /// Events, counting devices that are not registered but share the region's id prefix.
    pub events_with_unregistered: u64,
    /// Errors, the same way.
    pub errors_with_unregistered: u64,
    /// Mean latency with error events counted as 0 ms.
    pub avg_with_errors_as_zero: f64,
    /// Mean latency including unregistered devices.
    pub avg_with_unregistered: f64,
}

impl Fleet {
    /// The fleet of `team`.
    pub fn generate(team: &str) -> Self {
        let mut rng = TeamRng::new(team, SALT);
        let mut regions = REGIONS;
        rng.shuffle(&mut regions);
        let regions = &regions[..4];

        let mut ids = BTreeSet::new();
        while ids.len() < 27 {
            ids.insert(format!("dev-{:04}", rng.range(1000, 9999)));
        }
        let mut ids: Vec<String> = ids.into_iter().collect();
        rng.shuffle(&mut ids);
        // 24 registered devices, 3 decommissioned ones that still send events.
        let unregistered = ids.split_off(24);
        let devices: Vec<Device> = ids
            .into_iter()
            .enumerate()
            .map(|(i, id)| Device {
                id,
                // Every region gets devices: the first four go one to each.
                region: regions[if i < 4 { i } else { rng.below(4) as usize }],
                model: MODELS[rng.below(3) as usize],
            })
            .collect();
        let base_latency: Vec<u32> = (0..4).map(|_| rng.range(20, 80) as u32).collect();
        let error_rate: Vec<f64> = devices.iter().map(|_| rng.float(0.0, 0.15)).collect();

        let mut events = Vec::new();
        let mut seconds = WEEK_START;
        for _ in 0..360 {
            seconds += rng.range(60, 3_000);
            let (device, region_index, rate) = if rng.chance(0.1) {
                (
                    rng.pick(&unregistered).cloned().unwrap_or_default(),
                    rng.below(4) as usize,
                    0.3,
                )
            } else {
                // The last registered device is always silent.
                let i = rng.below(devices.len() as u64 - 1) as usize;
                let region = regions
                    .iter()
                    .position(|r| *r == devices[i].region)
                    .unwrap_or(0);
                (devices[i].id.clone(), region, error_rate[i])
            };
            let latency_ms = if rng.chance(rate) {
                None
            } else {
                Some(base_latency[region_index] + rng.range(0, 40) as u32)
            };
            events.push(Event {
                seconds,
                device,
                latency_ms,
            });
        }
        Self { devices, events }
    }

    /// Whether `id` is in the registry.
    pub fn is_registered(&self, id: &str) -> bool {
        self.devices.iter().any(|d| d.id == id)
    }

    fn region_of(&self, id: &str) -> Option<&'static str> {
        self.devices.iter().find(|d| d.id == id).map(|d| d.region)
    }

    /// The reference report.
    pub fn report(&self) -> Report {
        let mut regions = BTreeMap::new();
        for region in self
            .devices
            .iter()
            .map(|d| d.region)
            .collect::<BTreeSet<_>>()
        {
            let events: Vec<&Event> = self
                .events
                .iter()
                .filter(|e| self.region_of(&e.device) == Some(region))
                .collect();
            let latencies: Vec<u32> = events.iter().filter_map(|e| e.latency_ms).collect();
            regions.insert(
                region.to_owned(),
                RegionStats {
                    devices: events
                        .iter()
                        .map(|e| &e.device)
                        .collect::<BTreeSet<_>>()
                        .len() as u64,
                    events: events.len() as u64,
                    errors: events.iter().filter(|e| e.latency_ms.is_none()).count() as u64,
                    avg_latency_ms: round2(mean(&latencies)),
                },
            );
        }
        let mut errors: BTreeMap<&str, u64> = BTreeMap::new();
        for e in self
            .events
            .iter()
            .filter(|e| e.latency_ms.is_none() && self.is_registered(&e.device))
        {
            *errors.entry(&e.device).or_default() += 1;
        }
        // Highest count; on a tie the smallest id, which comes first in the BTreeMap.
        let noisiest = errors.iter().fold(
            ("", 0),
            |best, (id, n)| if *n > best.1 { (id, *n) } else { best },
        );
        Report {
            regions,
            noisiest_device: noisiest.0.to_owned(),
        }
    }

    /// The figures the usual mistakes give for `region`. Unregistered devices have no region:
    /// the "with unregistered" figures spread them as the team most likely would, by joining
    /// on nothing, so they are counted in every region.
    pub fn lenient_stats(&self, region: &str) -> LenientStats {
        let in_region = |e: &&Event| self.region_of(&e.device) == Some(region);
        let unregistered = |e: &&Event| !self.is_registered(&e.device);
        let mine: Vec<&Event> = self.events.iter().filter(in_region).collect();
        let with: Vec<&Event> = self
            .events
            .iter()
            .filter(|e| in_region(e) || unregistered(e))
            .collect();
        let latencies = |events: &[&Event]| {
            events
                .iter()
                .filter_map(|e| e.latency_ms)
                .collect::<Vec<_>>()
        };
        let zeros: Vec<u32> = mine.iter().map(|e| e.latency_ms.unwrap_or(0)).collect();
        LenientStats {
            registered_devices: self.devices.iter().filter(|d| d.region == region).count() as u64,
            events_with_unregistered: with.len() as u64,
            errors_with_unregistered: with.iter().filter(|e| e.latency_ms.is_none()).count() as u64,
            avg_with_errors_as_zero: round2(mean(&zeros)),
            avg_with_unregistered: round2(mean(&latencies(&with))),
        }
    }

    /// `devices.csv`.
    pub fn devices_csv(&self) -> String {
        let mut out = String::from("device_id,region,model\n");
        for d in &self.devices {
            out.push_str(&format!("{},{},{}\n", d.id, d.region, d.model));
        }
        out
    }

    /// `events.csv`.
    pub fn events_csv(&self) -> String {
        let mut out = String::from("timestamp,device_id,kind,latency_ms\n");
        for e in &self.events {
            let (kind, latency) = match e.latency_ms {
                Some(ms) => ("reading", ms.to_string()),
                None => ("error", String::new()),
            };
            out.push_str(&format!(
                "{},{},{kind},{latency}\n",
                iso(e.seconds),
                e.device
            ));
        }
        out
    }
}

impl Report {
    /// The report as the JSON a team would submit.
    pub fn to_json(&self) -> String {
        let regions: Vec<String> = self
            .regions
            .iter()
            .map(|(name, s)| {
                format!(
                    "    \"{name}\": {{ \"devices\": {}, \"events\": {}, \"errors\": {}, \"avg_latency_ms\": {:.2} }}",
                    s.devices, s.events, s.errors, s.avg_latency_ms
                )
            })
            .collect();
        format!(
            "{{\n  \"regions\": {{\n{}\n  }},\n  \"noisiest_device\": \"{}\"\n}}\n",
            regions.join(",\n"),
            self.noisiest_device
        )
    }
}

fn mean(values: &[u32]) -> f64 {
    if values.is_empty() {
        return 0.0;
    }
    values.iter().map(|&v| f64::from(v)).sum::<f64>() / values.len() as f64
}

fn round2(value: f64) -> f64 {
    (value * 100.0).round() / 100.0
}

/// `YYYY-MM-DDTHH:MM:SSZ`, for the week of events (May 2024, no month change).
fn iso(seconds: i64) -> String {
    let offset = seconds - WEEK_START;
    let (day, rest) = (6 + offset / 86_400, offset % 86_400);
    format!(
        "2024-05-{day:02}T{:02}:{:02}:{:02}Z",
        rest / 3600,
        rest / 60 % 60,
        rest % 60
    )
}
