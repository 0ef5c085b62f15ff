//! The unit-cost catalogue: resources with a price and the actor who pays
//! (model.md §2, resource profiles).

use crate::{ActorId, CostError};

/// Index of an item in a [`Catalogue`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ItemId(pub usize);

/// One resource: a prison day, a month of income support, a psychiatric admission.
#[derive(Debug, Clone, PartialEq)]
pub struct CatalogueItem {
    /// Name.
    pub name: String,
    /// SEK per unit, in the scenario's price year.
    pub unit_price: f64,
    /// Who pays.
    pub actor: ActorId,
    /// What one unit is ("day", "month").
    pub unit: String,
}

/// Items by index.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Catalogue {
    items: Vec<CatalogueItem>,
}

impl Catalogue {
    /// Adds an item; names are unique and prices finite.
    pub fn add(&mut self, item: CatalogueItem) -> Result<ItemId, CostError> {
        if self.index_of(&item.name).is_some() {
            return Err(CostError::DuplicateItem(item.name));
        }
        if !item.unit_price.is_finite() {
            return Err(CostError::InvalidValue {
                what: format!("the price of `{}`", item.name),
                actor: None,
                valid: "a finite number of SEK",
                value: item.unit_price,
            });
        }
        self.items.push(item);
        Ok(ItemId(self.items.len() - 1))
    }

    /// The item called `name`.
    pub fn index_of(&self, name: &str) -> Option<ItemId> {
        self.items.iter().position(|i| i.name == name).map(ItemId)
    }

    /// The item `id`.
    pub fn get(&self, id: ItemId) -> Option<&CatalogueItem> {
        self.items.get(id.0)
    }

    /// Item names in order.
    pub fn names(&self) -> Vec<&str> {
        self.items.iter().map(|i| i.name.as_str()).collect()
    }

    /// Number of items.
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// True when empty.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }
}
