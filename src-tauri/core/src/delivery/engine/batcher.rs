//! A writer thread that commits whatever work arrived together in one transaction. A commit costs more
//! than the rows it holds, so under load the engine's attempts and ingest's events are written in
//! batches, off the async workers, and each caller still gets its own answer.

use std::sync::mpsc::{channel, Receiver, Sender};

use tokio::sync::oneshot;

use crate::{Error, Result};

type Job<J, R> = (J, oneshot::Sender<Result<R>>);

pub(crate) struct Batcher<J, R> {
    jobs: Sender<Job<J, R>>,
    what: &'static str,
}

impl<J: Send + 'static, R: Send + 'static> Batcher<J, R> {
    /// Starts the thread. `write` gets up to `max` jobs (so no answer waits behind an unbounded batch)
    /// and returns one result per job, in order. The thread ends once the batcher is dropped and drained.
    pub fn start<W>(name: &str, what: &'static str, max: usize, write: W) -> Result<Self>
    where
        W: Fn(&[J]) -> Vec<Result<R>> + Send + 'static,
    {
        let (jobs, queue) = channel::<Job<J, R>>();
        std::thread::Builder::new()
            .name(name.into())
            .spawn(move || serve(queue, max.max(1), write))?;
        Ok(Batcher { jobs, what })
    }

    /// Hands the job over and waits until it is committed (or refused).
    pub async fn submit(&self, job: J) -> Result<R> {
        let (tx, rx) = oneshot::channel();
        let lost = || Error::Delivery(format!("{} was not written", self.what));
        self.jobs.send((job, tx)).map_err(|_| lost())?;
        rx.await.unwrap_or_else(|_| Err(lost()))
    }
}

fn serve<J, R>(queue: Receiver<Job<J, R>>, max: usize, write: impl Fn(&[J]) -> Vec<Result<R>>) {
    while let Ok(first) = queue.recv() {
        let mut batch = vec![first];
        while batch.len() < max {
            match queue.try_recv() {
                Ok(job) => batch.push(job),
                Err(_) => break,
            }
        }
        let (jobs, answers): (Vec<_>, Vec<_>) = batch.into_iter().unzip();
        for (answer, result) in answers.into_iter().zip(write(&jobs)) {
            let _ = answer.send(result);
        }
    }
}
