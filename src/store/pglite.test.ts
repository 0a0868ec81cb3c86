import { storeSuite } from './store.case.ts';
import { openDb } from './db.ts';

storeSuite('pglite', () => openDb({ dataDir: 'memory://', analyzeEveryWrites: 5 }));
