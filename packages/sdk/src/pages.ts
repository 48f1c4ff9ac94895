export interface PageOptions {
  /** Items per page (1-100; the API's default when absent). */
  limit?: number;
}

/** Every item of a cursor-paged list, fetching the next page only when the loop gets there. */
export async function* paginate<T>(page: (cursor: string | undefined) => Promise<{ items: T[]; nextCursor: string | null }>): AsyncGenerator<T> {
  let cursor: string | undefined;
  do {
    const { items, nextCursor } = await page(cursor);
    yield* items;
    cursor = nextCursor ?? undefined;
  } while (cursor !== undefined);
}
