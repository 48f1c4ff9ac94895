export * from './signature.ts';
export * from './networks.ts';
export * from './post.ts';
