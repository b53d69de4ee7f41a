import { installCustomFunctions } from "../../scripts/customFunctionsStub";

installCustomFunctions();
