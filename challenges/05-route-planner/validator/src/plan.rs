//! A team's sites, route lengths, and the judge's own optimiser (the hidden reference).

use challenge_sdk::variant::TeamRng;

const SALT: &str = "route-planner/v1";
const SITES: usize = 24;
const URGENT: usize = 6;
/// The depot, where the route starts and ends.
pub const DEPOT: (f64, f64) = (50.0, 50.0);

/// A sensor site.
#[derive(Debug, Clone)]
pub struct Site {
    /// `S01`…
    pub id: String,
    /// Position in km.
    pub x: f64,
    /// Position in km.
    pub y: f64,
    /// Battery almost flat: must be visited before any routine site.
    pub urgent: bool,
}

/// A team's sites.
#[derive(Debug, Clone)]
pub struct Sites {
    sites: Vec<Site>,
}

impl Sites {
    /// The sites of `team`.
    pub fn generate(team: &str) -> Self {
        let mut rng = TeamRng::new(team, SALT);
        let mut urgent: Vec<bool> = (0..SITES).map(|i| i < URGENT).collect();
        rng.shuffle(&mut urgent);
        let sites = urgent
            .into_iter()
            .enumerate()
            .map(|(i, urgent)| Site {
                id: format!("S{:02}", i + 1),
                x: rng.range(0, 100) as f64,
                y: rng.range(0, 100) as f64,
                urgent,
            })
            .collect();
        Self { sites }
    }

    /// The number of sites.
    pub fn len(&self) -> usize {
        self.sites.len()
    }

    /// Whether there are no sites.
    pub fn is_empty(&self) -> bool {
        self.sites.is_empty()
    }

    /// The site at index `i`.
    pub fn site(&self, i: usize) -> &Site {
        &self.sites[i]
    }

    /// The id of the site at index `i`.
    pub fn id(&self, i: usize) -> &str {
        &self.sites[i].id
    }

    /// The index of the site with this id.
    pub fn index(&self, id: &str) -> Option<usize> {
        self.sites.iter().position(|s| s.id == id)
    }

    /// `sites.csv`.
    pub fn csv(&self) -> String {
        let mut out = String::from("site_id,x_km,y_km,urgent\n");
        for s in &self.sites {
            out.push_str(&format!(
                "{},{},{},{}\n",
                s.id,
                s.x,
                s.y,
                if s.urgent { "yes" } else { "no" }
            ));
        }
        out
    }

    fn point(&self, i: usize) -> (f64, f64) {
        (self.sites[i].x, self.sites[i].y)
    }

    /// Depot → sites in `order` → depot, in km.
    pub fn length(&self, order: &[usize]) -> f64 {
        let mut total = 0.0;
        let mut here = DEPOT;
        for &i in order {
            total += distance(here, self.point(i));
            here = self.point(i);
        }
        total + distance(here, DEPOT)
    }

    /// Urgent sites in file order, then routine ones in file order.
    pub fn naive_route(&self) -> Vec<usize> {
        let (mut urgent, routine): (Vec<usize>, Vec<usize>) =
            (0..self.len()).partition(|&i| self.sites[i].urgent);
        urgent.extend(routine);
        urgent
    }

    /// Nearest neighbour, urgent sites first.
    pub fn nearest_neighbour_route(&self) -> Vec<usize> {
        let mut route = Vec::with_capacity(self.len());
        let mut here = DEPOT;
        for urgent in [true, false] {
            let mut left: Vec<usize> = (0..self.len())
                .filter(|&i| self.sites[i].urgent == urgent)
                .collect();
            while !left.is_empty() {
                let (k, _) = left
                    .iter()
                    .enumerate()
                    .fold((0, f64::INFINITY), |best, (k, &i)| {
                        let d = distance(here, self.point(i));
                        if d < best.1 { (k, d) } else { best }
                    });
                let next = left.swap_remove(k);
                here = self.point(next);
                route.push(next);
            }
        }
        route
    }

    /// The judge's best route: nearest neighbour, then 2-opt and relocation moves that keep
    /// the urgent sites first, until no move shortens the route.
    pub fn reference_route(&self) -> Vec<usize> {
        let mut route = self.nearest_neighbour_route();
        let urgent = self.sites.iter().filter(|s| s.urgent).count();
        let blocks = [(0, urgent), (urgent, route.len())];
        let mut improved = true;
        while improved {
            improved = false;
            for &(start, end) in &blocks {
                // 2-opt: reverse route[i..=j].
                for i in start..end {
                    for j in i + 1..end {
                        let mut candidate = route.clone();
                        candidate[i..=j].reverse();
                        if self.length(&candidate) + 1e-9 < self.length(&route) {
                            route = candidate;
                            improved = true;
                        }
                    }
                }
                // Relocation: move one site elsewhere in its block.
                for i in start..end {
                    for j in start..end {
                        if i == j {
                            continue;
                        }
                        let mut candidate = route.clone();
                        let site = candidate.remove(i);
                        candidate.insert(j, site);
                        if self.length(&candidate) + 1e-9 < self.length(&route) {
                            route = candidate;
                            improved = true;
                        }
                    }
                }
            }
        }
        route
    }
}

fn distance(a: (f64, f64), b: (f64, f64)) -> f64 {
    ((a.0 - b.0).powi(2) + (a.1 - b.1).powi(2)).sqrt()
}
