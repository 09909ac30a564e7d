/// <reference types="vite/client" />
declare const __ECSIM_VERSION__: string;
