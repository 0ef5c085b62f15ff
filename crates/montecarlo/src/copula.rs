//! Rank correlation through a Gaussian copula (model.md §7, "Correlation").
//!
//! A Spearman correlation ρ_s between two inputs becomes the Pearson
//! correlation r = 2·sin(π ρ_s / 6) between their normal scores, which is
//! exactly the normal-score correlation that yields rank correlation ρ_s.
//! Correlated inputs are split into connected groups; each group's Pearson
//! matrix is Cholesky-factored (L·Lᵀ = R), and a sample draws independent
//! normals ε, sets z = L·ε and maps each zᵢ to its input through F⁻¹(Φ(zᵢ)).

use std::f64::consts::PI;

use nalgebra::DMatrix;

/// One connected group of correlated inputs with its Cholesky factor.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Group {
    /// Input indices, ascending.
    pub(crate) members: Vec<usize>,
    /// Lower-triangular factor, row-major, k × k.
    lower: Vec<f64>,
}

impl Group {
    /// The correlation matrix R = L·Lᵀ of the members' normal scores.
    pub(crate) fn correlation(&self) -> DMatrix<f64> {
        let k = self.members.len();
        let l = DMatrix::from_row_slice(k, k, &self.lower);
        &l * l.transpose()
    }

    /// z = L·ε for this group, in place (ε on entry, z on exit).
    #[inline]
    pub(crate) fn correlate(&self, eps: &mut [f64]) {
        let k = self.members.len();
        // Row i of L·ε uses ε₀..εᵢ only; going from the last row up keeps
        // the inputs it still needs intact.
        for i in (0..k).rev() {
            let row = &self.lower[i * k..i * k + i + 1];
            let z: f64 = row.iter().zip(&eps[..=i]).map(|(l, e)| l * e).sum();
            eps[i] = z;
        }
    }
}

/// Pearson correlation of the normal scores that gives rank correlation ρ_s.
pub(crate) fn pearson_of_spearman(rho_s: f64) -> f64 {
    2.0 * (PI * rho_s / 6.0).sin()
}

/// Build groups from validated pairs (i, j, ρ_s) with i ≠ j. Returns the
/// members of the first group whose matrix is not positive definite.
pub(crate) fn build_groups(
    n_inputs: usize,
    pairs: &[(usize, usize, f64)],
) -> Result<Vec<Group>, Vec<usize>> {
    // Union–find on input indices.
    let mut parent: Vec<usize> = (0..n_inputs).collect();
    fn find(p: &mut [usize], mut x: usize) -> usize {
        while p[x] != x {
            p[x] = p[p[x]];
            x = p[x];
        }
        x
    }
    for &(i, j, _) in pairs {
        let (a, b) = (find(&mut parent, i), find(&mut parent, j));
        if a != b {
            parent[a.max(b)] = a.min(b);
        }
    }
    let mut involved = vec![false; n_inputs];
    for &(i, j, _) in pairs {
        involved[i] = true;
        involved[j] = true;
    }
    let mut groups: Vec<Vec<usize>> = Vec::new();
    let mut group_of_root = vec![usize::MAX; n_inputs];
    for (x, _) in involved.iter().enumerate().filter(|(_, inv)| **inv) {
        let r = find(&mut parent, x);
        if group_of_root[r] == usize::MAX {
            group_of_root[r] = groups.len();
            groups.push(Vec::new());
        }
        groups[group_of_root[r]].push(x);
    }
    let mut out = Vec::with_capacity(groups.len());
    for members in groups {
        let k = members.len();
        let pos = |x: usize| members.iter().position(|&m| m == x);
        let mut r = DMatrix::<f64>::identity(k, k);
        for &(i, j, rho) in pairs {
            if let (Some(a), Some(b)) = (pos(i), pos(j)) {
                let p = pearson_of_spearman(rho);
                r[(a, b)] = p;
                r[(b, a)] = p;
            }
        }
        let Some(chol) = r.cholesky() else {
            return Err(members);
        };
        let l = chol.l();
        // A numerically singular matrix (e.g. ρ_s = ±1) factors with a zero
        // pivot; treat it as not positive definite, as the model says.
        if (0..k).any(|i| l[(i, i)].is_nan() || l[(i, i)] <= 1e-6) {
            return Err(members);
        }
        let mut lower = vec![0.0; k * k];
        for i in 0..k {
            for j in 0..=i {
                lower[i * k + j] = l[(i, j)];
            }
        }
        out.push(Group { members, lower });
    }
    Ok(out)
}
