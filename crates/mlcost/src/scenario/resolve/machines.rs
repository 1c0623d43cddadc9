//! The machines a training run's accelerators sit in, resolved from its offer or from the nodes a
//! typed price gives: how many accelerators share one (its failures, its fast link) and the
//! network between them, which `training::network` prices the run's traffic over.

use crate::catalogue::pricing::{Network, Offer};

use crate::scenario::resolve::owned::OwnedPlan;
use crate::scenario::training::Nodes;
use crate::vocabulary::check::{MAX_ACCELERATORS, MAX_NETWORK_GBPS, at_most, positive_count};
use crate::vocabulary::error::{Error, Problem};

/// The machines a run's accelerators sit in: an offer's instances, or the nodes a typed price
/// gives.
#[derive(Debug, Clone, PartialEq)]
pub struct Machines {
    /// Accelerators per machine: one machine's failures, and its fast link.
    pub accelerators: u32,
    /// The network between machines, when a source or the scenario gives it.
    pub network: Option<Network>,
    /// How a note names them: the offer's id, or the scenario's nodes.
    pub name: String,
}

impl Machines {
    pub(super) fn of_offer(offer: &Offer) -> Self {
        Machines {
            accelerators: offer.accelerator_count.max(1),
            network: offer.network.clone(),
            name: offer.id(),
        }
    }

    /// The owned servers, without a network unless the scenario's nodes give one.
    pub(super) fn of_owned(owned: &OwnedPlan, network: Option<Network>) -> Self {
        Machines {
            accelerators: owned.accelerators_per_server.max(1),
            network,
            name: owned.used.id.clone(),
        }
    }

    /// The scenario's nodes, checked; an offer's instances are the offer's, so both together are
    /// refused; the owned servers' are theirs, so only their network may be given.
    pub(super) fn of_nodes(
        nodes: &Nodes,
        with_offer: bool,
        owned: Option<&OwnedPlan>,
    ) -> Result<Self, Error> {
        if with_offer {
            return Err(Error::new(
                "training.nodes",
                Problem::Malformed(
                    "give nodes only with a typed price: an offer's instances are the offer's"
                        .into(),
                ),
            ));
        }
        if let (Some(owned), Some(given)) = (owned, nodes.accelerators)
            && given != owned.accelerators_per_server
        {
            return Err(Error::new(
                "training.nodes.accelerators",
                Problem::Conflicts {
                    other: format!(
                        "plan owned (the owned servers hold {} each)",
                        owned.accelerators_per_server
                    ),
                },
            ));
        }
        let per_node = owned.map_or(8, |o| o.accelerators_per_server);
        let accelerators =
            positive_count("training.nodes.accelerators", nodes.accelerators.unwrap_or(per_node))?;
        at_most("training.nodes.accelerators", f64::from(accelerators), MAX_ACCELERATORS)?;
        let network = match nodes.network_gbps {
            None => None,
            Some(gbps) if !(gbps.is_finite() && gbps > 0.0) => {
                return Err(Error::new("training.nodes.network_gbps", Problem::MustBePositive));
            }
            Some(gbps) => Some(Network {
                gbps: at_most("training.nodes.network_gbps", gbps, MAX_NETWORK_GBPS)?,
                technology: None,
                rdma: None,
                source: "given (training.nodes.network_gbps)".into(),
                as_of: String::new(),
                estimate: false,
                note: None,
            }),
        };
        if let Some(owned) = owned {
            return Ok(Self::of_owned(owned, network));
        }
        Ok(Machines { accelerators, network, name: "the given nodes".into() })
    }
}
