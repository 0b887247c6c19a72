export * from './channels';
export * from './due-instant';
export * from './duration-class';
export * from './local-time';
export * from './phone';
export * from './reminder-plan';
export * from './reminder-policy';
export * from './signed-link';
