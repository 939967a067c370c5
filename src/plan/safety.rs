//! The rules that keep a mistaken YAML edit from deleting things, costing money or locking
//! people out, checked on a plan before anything is written. Pure: the command line gives
//! the [`Limits`], the caller words the [`Refusal`] (`render::refusal`).

use super::operation::Plan;

/// What the run allows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// `--allow-delete`: profiles, networks and connectors may be deleted.
    pub allow_delete: bool,
    /// `--allow-billing`: add-ons may be bought or removed.
    pub allow_billing: bool,
    /// `--max-removals`: most team members and shares removed.
    pub max_removals: usize,
    /// `--tokens-out` was given: new token values have somewhere to go.
    pub tokens_out: bool,
    /// The account password is set: tokens can be created.
    pub password: bool,
}

/// The first rule a plan breaks, with the operations that break it (positions in the plan).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// Deletions without `--allow-delete`.
    Deletions(Vec<usize>),
    /// Add-ons bought or removed without `--allow-billing`.
    Billing(Vec<usize>),
    /// More access removals than `--max-removals`.
    Removals { count: usize, max: usize },
    /// Tokens created or replaced without `--tokens-out`.
    TokensWithoutOut,
    /// Tokens created without the account password.
    TokensWithoutPassword,
}

/// `Ok` when `plan` may run under `limits`; otherwise the first rule it breaks, in the order
/// deletions, billing, removals, tokens.
pub fn check(plan: &Plan, limits: &Limits) -> Result<(), Refusal> {
    let deletions: Vec<usize> = plan.object_deletions().map(|op| op.index).collect();
    if !deletions.is_empty() && !limits.allow_delete {
        return Err(Refusal::Deletions(deletions));
    }
    let billing: Vec<usize> = plan.billing_changes().map(|op| op.index).collect();
    if !billing.is_empty() && !limits.allow_billing {
        return Err(Refusal::Billing(billing));
    }
    let removals = plan.access_removals();
    if removals > limits.max_removals {
        return Err(Refusal::Removals {
            count: removals,
            max: limits.max_removals,
        });
    }
    if plan.creates_tokens() {
        if !limits.tokens_out {
            return Err(Refusal::TokensWithoutOut);
        }
        if !limits.password {
            return Err(Refusal::TokensWithoutPassword);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::billing::AddOn;
    use crate::config::Permission;
    use crate::live::ObjectKind;
    use crate::plan::{ObjectRef, Operation, OperationKind, ProfileRef, FORMAT_VERSION};

    fn target() -> ProfileRef {
        ProfileRef {
            key: "acme".into(),
            id: Some("aaaaaaaaaaaaaaaaaaaaaaa1".into()),
        }
    }

    fn plan(kinds: Vec<OperationKind>) -> Plan {
        Plan {
            format_version: FORMAT_VERSION,
            operations: kinds
                .into_iter()
                .enumerate()
                .map(|(index, kind)| Operation {
                    index,
                    profile: "acme".into(),
                    kind,
                    changes: Vec::new(),
                    origin: None,
                    depends_on: Vec::new(),
                })
                .collect(),
            notices: Vec::new(),
        }
    }

    const ALL: Limits = Limits {
        allow_delete: true,
        allow_billing: true,
        max_removals: 10,
        tokens_out: true,
        password: true,
    };

    fn remove_member(n: usize) -> OperationKind {
        OperationKind::RemoveMember {
            target: target(),
            email: format!("m{n}@acme.example"),
            account_id: format!("{n:024x}"),
            pending: false,
            expired: false,
        }
    }

    #[test]
    fn each_rule_refuses_without_its_flag_and_passes_with_it() {
        let delete = plan(vec![
            OperationKind::InviteMember {
                target: target(),
                email: "a@acme.example".into(),
                reinvite: false,
            },
            OperationKind::DeleteObject {
                target: target(),
                object: ObjectRef {
                    kind: ObjectKind::Network,
                    key: "n".into(),
                    name: "N".into(),
                    id: Some("bbbbbbbbbbbbbbbbbbbbbbb1".into()),
                },
            },
        ]);
        let no_delete = Limits {
            allow_delete: false,
            ..ALL
        };
        assert_eq!(check(&delete, &no_delete), Err(Refusal::Deletions(vec![1])));
        assert_eq!(check(&delete, &ALL), Ok(()));

        let buy = plan(vec![OperationKind::BuyAddon {
            target: target(),
            addon: AddOn::Mobile,
            price: None,
        }]);
        let no_billing = Limits {
            allow_billing: false,
            ..ALL
        };
        assert_eq!(check(&buy, &no_billing), Err(Refusal::Billing(vec![0])));
        assert_eq!(check(&buy, &ALL), Ok(()));

        let removals = plan((0..3).map(remove_member).collect());
        let two = Limits {
            max_removals: 2,
            ..ALL
        };
        assert_eq!(
            check(&removals, &two),
            Err(Refusal::Removals { count: 3, max: 2 })
        );
        assert_eq!(
            check(
                &removals,
                &Limits {
                    max_removals: 3,
                    ..ALL
                }
            ),
            Ok(())
        );

        let token = plan(vec![OperationKind::CreateToken {
            target: target(),
            name: "ci".into(),
            permission: Permission::Read,
            expires: "never".into(),
        }]);
        let no_out = Limits {
            tokens_out: false,
            ..ALL
        };
        assert_eq!(check(&token, &no_out), Err(Refusal::TokensWithoutOut));
        let no_password = Limits {
            password: false,
            ..ALL
        };
        assert_eq!(
            check(&token, &no_password),
            Err(Refusal::TokensWithoutPassword)
        );
        assert_eq!(check(&token, &ALL), Ok(()));
    }

    #[test]
    fn an_expired_invitation_removed_is_not_an_access_removal() {
        let mut kinds: Vec<OperationKind> = (0..3).map(remove_member).collect();
        if let OperationKind::RemoveMember { expired, .. } = &mut kinds[2] {
            *expired = true;
        }
        let limits = Limits {
            max_removals: 2,
            ..ALL
        };
        assert_eq!(check(&plan(kinds), &limits), Ok(()));
    }

    #[test]
    fn deletions_are_reported_before_the_other_rules() {
        let mut kinds: Vec<OperationKind> = (0..3).map(remove_member).collect();
        kinds.push(OperationKind::DeleteProfile {
            target: target(),
            name: "ACME".into(),
            addons: Vec::new(),
        });
        let none = Limits {
            allow_delete: false,
            allow_billing: false,
            max_removals: 0,
            tokens_out: false,
            password: false,
        };
        assert_eq!(check(&plan(kinds), &none), Err(Refusal::Deletions(vec![3])));
    }
}
