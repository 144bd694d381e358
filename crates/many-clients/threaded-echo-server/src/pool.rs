//! A pool of worker threads, as the Rust Book builds it (chapter 21, "Turning our
//! single-threaded server into a multithreaded server").
//!
//! Spawning a thread for every client costs a system call and a fresh stack each
//! time; a pool starts its threads once and reuses them. The jobs go through a
//! channel: [`ThreadPool::execute`] sends a job, and whichever worker is free takes
//! it. The channel is bounded (as many jobs as workers), so when every worker is
//! busy and the channel is full, `execute` waits and the next clients stay in the
//! system's accept queue, where they cost nothing.
//!
//! Dropping the pool closes the channel, lets each worker finish the jobs already
//! given, and joins the workers: that is the server's graceful stop.

use std::sync::mpsc::{Receiver, SyncSender, sync_channel};
use std::sync::{Arc, Mutex, PoisonError};
use std::thread::{self, JoinHandle};

/// What a worker runs: a closure that serves one client.
type Job = Box<dyn FnOnce() + Send + 'static>;

/// A fixed number of worker threads that run the jobs given to [`execute`](ThreadPool::execute).
pub struct ThreadPool {
    workers: Vec<Worker>,
    sender: Option<SyncSender<Job>>,
}

impl ThreadPool {
    /// Starts `size` worker threads (at least one).
    ///
    /// Fails if the system cannot start a thread (too many threads already).
    pub fn new(size: usize) -> std::io::Result<ThreadPool> {
        let size = size.max(1);
        let (sender, receiver) = sync_channel(size);
        // -- One receiver shared by every worker: the Mutex lets one worker at a
        // -- time take the next job, the Arc lets them all own it.
        let receiver = Arc::new(Mutex::new(receiver));
        let mut workers = Vec::with_capacity(size);
        for id in 0..size {
            workers.push(Worker::new(id, Arc::clone(&receiver))?);
        }
        Ok(ThreadPool {
            workers,
            sender: Some(sender),
        })
    }

    /// Gives `job` to the next free worker, waiting if every worker is busy and the
    /// queue is full.
    pub fn execute<F>(&self, job: F)
    where
        F: FnOnce() + Send + 'static,
    {
        let Some(sender) = &self.sender else { return };
        if sender.send(Box::new(job)).is_err() {
            // Every worker has ended, which only a bug could do: say so, never panic.
            eprintln!("No worker thread is left to serve the client");
        }
    }
}

impl Drop for ThreadPool {
    fn drop(&mut self) {
        // -- Close the channel: each worker ends once the jobs already given are done
        drop(self.sender.take());
        for worker in &mut self.workers {
            if let Some(thread) = worker.thread.take() {
                if thread.join().is_err() {
                    eprintln!("Worker {} ended with a panic", worker.id);
                }
            }
        }
    }
}

/// One thread of the pool, waiting for jobs.
struct Worker {
    id: usize,
    thread: Option<JoinHandle<()>>,
}

impl Worker {
    fn new(id: usize, receiver: Arc<Mutex<Receiver<Job>>>) -> std::io::Result<Worker> {
        let thread = thread::Builder::new()
            .name(format!("worker {id}"))
            .spawn(move || {
                loop {
                    // -- Take the next job; the lock is released at the end of this
                    // -- statement, so the other workers can take theirs meanwhile.
                    let next = receiver
                        .lock()
                        .unwrap_or_else(PoisonError::into_inner)
                        .recv();
                    match next {
                        Ok(job) => job(),
                        // -- The channel is closed and empty: the pool is being dropped
                        Err(_) => break,
                    }
                }
            })?;
        Ok(Worker {
            id,
            thread: Some(thread),
        })
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::mpsc::channel;

    #[test]
    fn runs_every_job_and_joins_on_drop() {
        let done = Arc::new(AtomicUsize::new(0));
        let pool = ThreadPool::new(3).unwrap();
        for _ in 0..20 {
            let done = Arc::clone(&done);
            pool.execute(move || {
                done.fetch_add(1, Ordering::SeqCst);
            });
        }
        drop(pool);
        assert_eq!(done.load(Ordering::SeqCst), 20);
    }

    #[test]
    fn reuses_its_threads() {
        let (tx, rx) = channel();
        let pool = ThreadPool::new(2).unwrap();
        for _ in 0..10 {
            let tx = tx.clone();
            pool.execute(move || tx.send(thread::current().id()).unwrap());
        }
        drop(pool);
        drop(tx);
        let mut threads: Vec<_> = rx.iter().collect();
        assert_eq!(threads.len(), 10);
        threads.sort_by_key(|id| format!("{id:?}"));
        threads.dedup();
        assert!(
            threads.len() <= 2,
            "10 jobs ran on {} threads",
            threads.len()
        );
    }

    #[test]
    fn serves_jobs_at_the_same_time() {
        // Two jobs that each wait for the other: only two threads at once can finish them.
        let (a_tx, a_rx) = channel();
        let (b_tx, b_rx) = channel();
        let (done_tx, done_rx) = channel();
        let pool = ThreadPool::new(2).unwrap();
        let done_a = done_tx.clone();
        pool.execute(move || {
            a_tx.send(()).unwrap();
            b_rx.recv().unwrap();
            done_a.send(()).unwrap();
        });
        pool.execute(move || {
            b_tx.send(()).unwrap();
            a_rx.recv().unwrap();
            done_tx.send(()).unwrap();
        });
        for _ in 0..2 {
            done_rx
                .recv_timeout(std::time::Duration::from_secs(20))
                .unwrap();
        }
    }
}
