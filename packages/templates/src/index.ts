export * from './email';
export * from './format';
export * from './message-context';
export * from './whatsapp';
