//! The population files of a merge (`duplicates.csv`, `sample.csv`), made
//! by `crate::population::merging` from the shards' index files and
//! samples; this is its follower in the streaming merge, which gives each
//! shard's archive its merged position.

use super::Refusal;
use super::shards::ShardReport;
use super::streams::{Follower, Pick, Stop};
use crate::population::merging::{Merging, Refused, ShardView};
use crate::tally::Tally;
use std::cell::RefCell;
use std::rc::Rc;

/// The population merge, shared by its follower and the end of the merge.
pub(super) type Shared = Rc<RefCell<Merging>>;

/// A refusal naming the shard.
pub(super) fn refusal(shards: &[ShardReport], (i, what): Refused) -> Refusal {
    shards[i.min(shards.len() - 1)].refuse(what)
}

/// Checks the shards' population settings and starts their merge.
pub(super) fn start(shards: &[ShardReport]) -> Result<Shared, Refusal> {
    let views: Vec<ShardView<'_>> = shards
        .iter()
        .map(|s| ShardView {
            dir: &s.dir,
            run: &s.run,
        })
        .collect();
    let merging = Merging::start(&views).map_err(|r| refusal(shards, r))?;
    Ok(Rc::new(RefCell::new(merging)))
}

/// Reads each shard's `duplicates-index.csv` in lockstep with its rows.
pub(super) struct IndexFollower {
    pub(super) merging: Shared,
    pub(super) names: Vec<String>,
}

impl Follower for IndexFollower {
    fn follow(&mut self, pick: &Pick<'_>, _: &mut Tally) -> Result<(), Stop> {
        self.merging
            .borrow_mut()
            .follow(pick.shard, pick.global, pick.archive)
            .map_err(|(i, what)| {
                Stop::Refused(Refusal {
                    shard: self.names[i].clone(),
                    what,
                })
            })
    }

    fn finish(self: Box<Self>, _: &[ShardReport]) -> Result<(), Stop> {
        // What is left in a shard's file is refused when the merge finishes.
        Ok(())
    }
}
