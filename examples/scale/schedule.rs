//! The ideal schedule: how soon a set of requests could finish at best, given how many may
//! be in flight at once, the round trip of each, the per-minute budget of each rate-limit
//! bucket and which requests must wait for others. Pure: no clock, no I/O.
//!
//! The model: a request holds one of `parallelism` slots for `latency`; a bucket admits at
//! most `budget` request starts in any 60-second window (a sliding window, as a client that
//! does not know the server's minute boundaries must assume); a request starts only after
//! the requests it waits on have ended. Whenever a slot is free, the earliest admissible
//! ready request starts (greedy list scheduling; with equal durations this is optimal for
//! independent requests and within a request or two of optimal with dependencies).

use std::cmp::Reverse;
use std::collections::{BTreeSet, BinaryHeap, VecDeque};

/// The rate-limit window.
const WINDOW_MICROS: u64 = 60_000_000;

/// One request of the set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Job {
    /// The index of its bucket in `budgets`; `None`: not rate limited.
    pub bucket: Option<usize>,
    /// Indexes of the jobs that must end before this one starts (all smaller than its own).
    pub after: Vec<usize>,
}

/// Seconds until the last of `jobs` ends. `budgets[b]` is bucket `b`'s requests per minute.
pub fn ideal_seconds(jobs: &[Job], budgets: &[u32], parallelism: usize, latency_s: f64) -> f64 {
    let latency = (latency_s * 1e6).round().max(1.0) as u64;
    let slots = parallelism.max(1);
    let mut waiting_on: Vec<usize> = jobs.iter().map(|job| job.after.len()).collect();
    let mut dependents: Vec<Vec<usize>> = vec![Vec::new(); jobs.len()];
    for (index, job) in jobs.iter().enumerate() {
        for &before in &job.after {
            dependents[before].push(index);
        }
    }
    // Ready jobs by bucket (the last queue: unlimited), the buckets with ready jobs, and each
    // bucket's starts within the window.
    let unlimited = budgets.len();
    let mut ready: Vec<VecDeque<usize>> = vec![VecDeque::new(); budgets.len() + 1];
    let mut active: BTreeSet<usize> = BTreeSet::new();
    let mut starts: Vec<VecDeque<u64>> = vec![VecDeque::new(); budgets.len()];
    let queue_of = |job: usize| jobs[job].bucket.unwrap_or(unlimited);
    for (index, _) in jobs.iter().enumerate().filter(|(i, _)| waiting_on[*i] == 0) {
        ready[queue_of(index)].push_back(index);
        active.insert(queue_of(index));
    }
    let mut running: BinaryHeap<Reverse<(u64, usize)>> = BinaryHeap::new();
    let (mut now, mut finished, mut end) = (0u64, 0usize, 0u64);
    while finished < jobs.len() {
        // Start what fits now; note when the next blocked bucket opens.
        let mut opens: Option<u64> = None;
        let mut emptied = Vec::new();
        for &queue in &active {
            while running.len() < slots && !ready[queue].is_empty() {
                if queue != unlimited {
                    let window = &mut starts[queue];
                    while window.front().is_some_and(|&at| at + WINDOW_MICROS <= now) {
                        window.pop_front();
                    }
                    if window.len() >= budgets[queue].max(1) as usize {
                        let at = window.front().map_or(now, |&at| at + WINDOW_MICROS);
                        opens = Some(opens.map_or(at, |o: u64| o.min(at)));
                        break;
                    }
                    window.push_back(now);
                }
                if let Some(job) = ready[queue].pop_front() {
                    running.push(Reverse((now + latency, job)));
                }
            }
            if ready[queue].is_empty() {
                emptied.push(queue);
            }
        }
        for queue in emptied {
            active.remove(&queue);
        }
        // Move to the next event: a request ending, or (with a slot free) a bucket opening.
        let next_end = running.peek().map(|Reverse((at, _))| *at);
        let next = match (next_end, opens) {
            (Some(e), Some(o)) if running.len() < slots => e.min(o),
            (Some(e), _) => e,
            (None, Some(o)) => o,
            (None, None) => break, // Nothing runs and nothing is ready: unreachable jobs.
        };
        now = next;
        while let Some(Reverse((at, job))) = running.peek().copied() {
            if at > now {
                break;
            }
            running.pop();
            finished += 1;
            end = end.max(at);
            for &dependent in &dependents[job] {
                waiting_on[dependent] -= 1;
                if waiting_on[dependent] == 0 {
                    ready[queue_of(dependent)].push_back(dependent);
                    active.insert(queue_of(dependent));
                }
            }
        }
    }
    end as f64 / 1e6
}

#[cfg(test)]
mod tests {
    use super::*;

    fn free(after: Vec<usize>) -> Job {
        Job {
            bucket: None,
            after,
        }
    }

    #[test]
    fn independent_requests_fill_every_slot() {
        let jobs = vec![free(vec![]); 10];
        assert_eq!(ideal_seconds(&jobs, &[], 4, 1.0), 3.0);
        assert_eq!(ideal_seconds(&jobs, &[], 10, 1.0), 1.0);
        assert_eq!(ideal_seconds(&jobs, &[], 1, 0.5), 5.0);
    }

    #[test]
    fn a_chain_takes_one_round_trip_per_link() {
        let jobs = vec![free(vec![]), free(vec![0]), free(vec![1])];
        assert_eq!(ideal_seconds(&jobs, &[], 8, 0.25), 0.75);
    }

    #[test]
    fn a_full_bucket_waits_for_its_window() {
        // Budget 2 a minute: starts at 0, 0, 60, 60, 120.
        let jobs = vec![
            Job {
                bucket: Some(0),
                after: vec![]
            };
            5
        ];
        assert_eq!(ideal_seconds(&jobs, &[2], 10, 0.1), 120.1);
    }

    #[test]
    fn other_buckets_run_while_one_waits() {
        let mut jobs = vec![
            Job {
                bucket: Some(0),
                after: vec![]
            };
            3
        ];
        jobs.extend(vec![
            Job {
                bucket: Some(1),
                after: vec![]
            };
            3
        ]);
        // Bucket 0 (budget 2) needs a second window; bucket 1 (budget 100) does not wait.
        assert_eq!(ideal_seconds(&jobs, &[2, 100], 2, 1.0), 61.0);
        // Its third request waits on the throttled one: it starts after it ends.
        jobs.push(Job {
            bucket: Some(1),
            after: vec![2],
        });
        assert_eq!(ideal_seconds(&jobs, &[2, 100], 2, 1.0), 62.0);
    }

    #[test]
    fn an_empty_set_takes_no_time() {
        assert_eq!(ideal_seconds(&[], &[], 4, 1.0), 0.0);
    }
}
