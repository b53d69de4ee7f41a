import { installCustomFunctions } from "./customFunctionsStub";

installCustomFunctions();
