//! Personal information on its way out: masked for roles that do not need
//! it (`shared::privacy`), written to the audit log for those that read it,
//! and for every ledger export.

use shared::merge::HouseholdLedger;
use shared::privacy::{mask_ledger, mask_record, sees_personal_data};
use shared::wire::{LedgerView, Roster};
use time::OffsetDateTime;

use crate::export::ledger::PlacedLedger;
use crate::http::auth::Caller;
use crate::http::error::ApiError;
use crate::store::{HouseholdState, Store};

/// Masks the roster's numbers, or audits that the caller read them.
pub async fn roster_out<S: Store>(
    store: &S,
    caller: &Caller,
    roster: &mut Roster,
) -> Result<(), ApiError> {
    if sees_personal_data(caller.user.role) {
        let scope = caller.scope()?.to_string();
        return audit(store, caller, "roster", &scope).await;
    }
    for household in &mut roster.households {
        household.masked_phone = household.record.phone.take().map(|p| p.masked());
        for member in &mut household.members {
            member.masked = mask_record(&mut member.record);
        }
    }
    Ok(())
}

/// A ledger as `caller` may see it; an unmasked one is audited.
pub async fn ledger_out<S: Store>(
    store: &S,
    caller: &Caller,
    action: &str,
    mut ledger: HouseholdLedger,
) -> Result<LedgerView, ApiError> {
    if sees_personal_data(caller.user.role) {
        audit(store, caller, action, ledger.household.as_str()).await?;
        return Ok(LedgerView {
            ledger,
            masked: Default::default(),
            masked_phone: None,
        });
    }
    let (masked, masked_phone) = mask_ledger(&mut ledger);
    Ok(LedgerView {
        ledger,
        masked,
        masked_phone,
    })
}

/// The ledgers of an export as `caller` may see them: numbers taken out
/// and masked for roles that do not see them in full. Every export, masked
/// or not, is then audited by `audit_export`.
pub fn export_views(caller: &Caller, states: Vec<HouseholdState>) -> Vec<PlacedLedger> {
    let full = sees_personal_data(caller.user.role);
    states
        .into_iter()
        .map(|HouseholdState { place, mut ledger }| {
            let view = if full {
                LedgerView {
                    ledger,
                    masked: Default::default(),
                    masked_phone: None,
                }
            } else {
                let (masked, masked_phone) = mask_ledger(&mut ledger);
                LedgerView {
                    ledger,
                    masked,
                    masked_phone,
                }
            };
            PlacedLedger { place, view }
        })
        .collect()
}

/// Writes an export to the audit log: `subject` says what was exported,
/// and whether its numbers were in full or masked is added here.
pub async fn audit_export<S: Store>(
    store: &S,
    caller: &Caller,
    subject: &str,
) -> Result<(), ApiError> {
    let numbers = if sees_personal_data(caller.user.role) {
        "full"
    } else {
        "masked"
    };
    audit(
        store,
        caller,
        "export",
        &format!("{subject} numbers={numbers}"),
    )
    .await
}

/// The ledgers of a conflicts list as `caller` may see them: numbers, and
/// the conflicts over them, taken out for roles that do not see them in
/// full; a read in full is audited, `subject` saying what was read.
pub async fn conflicts_out<S: Store>(
    store: &S,
    caller: &Caller,
    states: &mut [HouseholdState],
    subject: &str,
) -> Result<(), ApiError> {
    if sees_personal_data(caller.user.role) {
        return audit(store, caller, "conflicts", subject).await;
    }
    for state in states {
        mask_ledger(&mut state.ledger);
    }
    Ok(())
}

async fn audit<S: Store>(
    store: &S,
    caller: &Caller,
    action: &str,
    subject: &str,
) -> Result<(), ApiError> {
    store
        .audit(
            &caller.user.username,
            action,
            subject,
            OffsetDateTime::now_utc(),
        )
        .await?;
    Ok(())
}
