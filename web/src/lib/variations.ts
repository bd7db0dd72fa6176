// Variations on the event page: ticket types naming the same product (`variationOf`) are listed
// together under the product's name, each a choice of its own (its price, stock and "+"), where the
// first of them stands in the list; a product with one type left is that type alone, under its name.

export interface ProductGroup<T> {
  product: string
  offers: T[]
}

/** The list in its order, the types of each product (two or more) gathered where the first one stood. */
export function byProduct<T extends { variationOf?: string }>(list: readonly T[]): Array<T | ProductGroup<T>> {
  const count = new Map<string, number>()
  for (const o of list) if (o.variationOf) count.set(o.variationOf, (count.get(o.variationOf) ?? 0) + 1)
  const groups = new Map<string, ProductGroup<T>>()
  const out: Array<T | ProductGroup<T>> = []
  for (const o of list) {
    const product = o.variationOf
    if (!product || count.get(product)! < 2) {
      out.push(o)
      continue
    }
    let group = groups.get(product)
    if (!group) {
      group = { product, offers: [] }
      groups.set(product, group)
      out.push(group)
    }
    group.offers.push(o)
  }
  return out
}

export const isGroup = <T,>(item: T | ProductGroup<T>): item is ProductGroup<T> => typeof item === 'object' && item !== null && 'product' in item && 'offers' in item

/**
 * A variation's name under its product's heading: "T-shirt M" under "T-shirt" is "M" (the product's
 * name at the start, with the spaces or marks after it, left out); a name that does not start with it,
 * or is nothing else, is shown whole.
 */
export function variationLabel(name: string, product: string): string {
  if (name.length <= product.length || name.slice(0, product.length).toLocaleLowerCase() !== product.toLocaleLowerCase()) return name
  const rest = name.slice(product.length)
  // Only at a word's end: "Shirts" is not a variation of "Shirt".
  if (!/^[\s\-–—·:,/(|]/.test(rest)) return name
  let label = rest.replace(/^[\s\-–—·:,/|]+/, '').trim()
  // "T-shirt (M)": M (not "T-shirt (M) or (L)", whose brackets are two).
  if (/^\([^()]*\)$/.test(label)) label = label.slice(1, -1).trim()
  return label || name
}
