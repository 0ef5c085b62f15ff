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

    /// The same catalogue with each item's unit price replaced by
    /// `prices[i]` (SEK per unit, in item order): one sample's draws of
    /// uncertain prices.
    ///
    /// # Errors
    /// `Length` unless there is one price per item; `InvalidValue` for a
    /// price that is not finite.
    pub fn with_prices(&self, prices: &[f64]) -> Result<Catalogue, CostError> {
        if prices.len() != self.items.len() {
            return Err(CostError::Length {
                what: "the catalogue's prices".into(),
                actor: None,
                expected: self.items.len().to_string(),
                found: prices.len(),
            });
        }
        let mut out = Catalogue::default();
        for (item, &price) in self.items.iter().zip(prices) {
            out.add(CatalogueItem {
                unit_price: price,
                ..item.clone()
            })?;
        }
        Ok(out)
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
